//! QR code PNG, as Vault's `barcode` field for Barong's `qr_size: 300`.
//!
//! Vault (pquerna/otp `Key.Image` with boombuler/barcode) encodes the URL at
//! error correction level M, scales the module grid by the largest whole
//! factor that fits 300x300, centres it on white and adds no other quiet
//! zone; the same geometry is drawn here. The PNG encoder is hand-written
//! (1-bit greyscale, zlib with fixed-Huffman deflate) instead of pulling in
//! the `image` or `png` crates, because the Lambda binaries are near their
//! size limit: deflate only needs to copy repeated bytes and rows, which
//! shrinks the PNG to ~2 KB with a few hundred bytes of code.

use qrcode::{Color, EcLevel, QrCode};

use super::TotpError;

/// Width and height of the image in pixels (Barong asks Vault for `qr_size: 300`).
pub const QR_SIZE: u32 = 300;

/// PNG of a QR code of `text`, base64 encoded (standard alphabet, padded),
/// ready for a `barcode` JSON field or a `data:image/png;base64,` URL.
///
/// # Errors
/// [`TotpError::QrTooLong`] if `text` exceeds a version-40 QR code at level M.
pub fn qr_png_base64(text: &str) -> Result<String, TotpError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|_| TotpError::QrTooLong)?;
    let scanlines = scanlines(&code, QR_SIZE as usize).ok_or(TotpError::QrTooLong)?;
    Ok(base64(&png_gray1(QR_SIZE, QR_SIZE, &scanlines)))
}

/// Bytes per scanline: filter type byte + 1 bit per pixel.
fn row_len(size: usize) -> usize {
    1 + size.div_ceil(8)
}

/// The image as PNG scanlines (filter "None", 1 = white), boombuler's
/// geometry. `None` only if the code were wider than the image (it cannot
/// be: version 40 is 177 modules).
fn scanlines(code: &QrCode, size: usize) -> Option<Vec<u8>> {
    let width = code.width();
    let colors = code.to_colors();
    let scale = size.checked_div(width).filter(|&s| s > 0)?;
    let offset = (size - width * scale) / 2;
    let module = |px: usize| {
        px.checked_sub(offset)
            .map(|p| p / scale)
            .filter(|&m| m < width)
    };
    let mut out = Vec::with_capacity(row_len(size) * size);
    for y in 0..size {
        out.push(0); // filter type None
        let (mut byte, mut nbits) = (0u8, 0);
        for x in 0..size {
            let dark = match (module(x), module(y)) {
                (Some(mx), Some(my)) => colors.get(my * width + mx) == Some(&Color::Dark),
                _ => false,
            };
            byte = (byte << 1) | u8::from(!dark);
            nbits += 1;
            if nbits == 8 {
                out.push(byte);
                (byte, nbits) = (0, 0);
            }
        }
        if nbits > 0 {
            // Pad the last byte with white bits (ignored by decoders).
            out.push((byte << (8 - nbits)) | (0xff >> nbits));
        }
    }
    Some(out)
}

/// A PNG file: 1-bit greyscale, non-interlaced, given raw scanlines.
fn png_gray1(width: u32, height: u32, scanlines: &[u8]) -> Vec<u8> {
    let [w0, w1, w2, w3] = width.to_be_bytes();
    let [h0, h1, h2, h3] = height.to_be_bytes();
    // Bit depth 1, colour type 0 (grey), default compression/filter, no interlace.
    let ihdr = [w0, w1, w2, w3, h0, h1, h2, h3, 1, 0, 0, 0, 0];
    let idat = zlib_fixed(scanlines, row_len(width as usize));
    let mut png = Vec::with_capacity(idat.len() + 64);
    png.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &idat);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    // PNG chunks are far below 4 GiB here.
    png.extend_from_slice(&(data.len() as u32).to_be_bytes());
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    png.extend_from_slice(&crc32(kind, data).to_be_bytes());
}

/// CRC-32 (ISO-HDLC) over `kind` then `data`; bitwise, as PNG chunks here
/// total ~2 KB and a table would cost binary size.
fn crc32(kind: &[u8], data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in kind.iter().chain(data) {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xedb8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 is the longest run that cannot overflow `b` before the modulo.
    for block in data.chunks(5552) {
        for &byte in block {
            a += u32::from(byte);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// zlib stream (RFC 1950) with one fixed-Huffman deflate block (RFC 1951).
/// The only matches tried are the previous byte (runs of white or black)
/// and the previous scanline (rows repeated by the scaling), which is where
/// all of a QR image's redundancy is.
fn zlib_fixed(data: &[u8], row: usize) -> Vec<u8> {
    let mut bits = BitWriter::default();
    bits.out.extend_from_slice(&[0x78, 0x01]); // deflate, 32 KiB window, "fastest"
    bits.put(1, 1); // last block
    bits.put(1, 2); // fixed Huffman codes
    let mut pos = 0;
    while let Some(rest) = data.get(pos..).filter(|r| !r.is_empty()) {
        let mut best = (0, 0);
        for dist in [1, row] {
            let Some(earlier) = pos.checked_sub(dist).and_then(|start| data.get(start..)) else {
                continue;
            };
            let len = rest
                .iter()
                .zip(earlier)
                .take(258)
                .take_while(|(a, b)| a == b)
                .count();
            if len > best.0 && dist <= 32768 {
                best = (len, dist);
            }
        }
        match best {
            (len @ 3.., dist) => {
                bits.length(len);
                bits.distance(dist);
                pos += len;
            }
            _ => {
                bits.symbol(rest.first().map_or(0, |&b| u16::from(b)));
                pos += 1;
            }
        }
    }
    bits.symbol(256); // end of block
    let mut out = bits.finish();
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// Deflate bit packing: values LSB first, Huffman codes MSB first.
#[derive(Default)]
struct BitWriter {
    out: Vec<u8>,
    acc: u32,
    nbits: u32,
}

impl BitWriter {
    /// Appends the low `n` (<= 16) bits of `value`.
    fn put(&mut self, value: u32, n: u32) {
        self.acc |= (value & ((1 << n) - 1)) << self.nbits;
        self.nbits += n;
        while self.nbits >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.nbits -= 8;
        }
    }

    fn code(&mut self, code: u32, n: u32) {
        self.put(code.reverse_bits() >> (32 - n), n);
    }

    /// A literal/length symbol with the fixed code table (RFC 1951 3.2.6).
    fn symbol(&mut self, sym: u16) {
        let sym = u32::from(sym);
        match sym {
            0..=143 => self.code(0x30 + sym, 8),
            144..=255 => self.code(0x190 + sym - 144, 9),
            256..=279 => self.code(sym - 256, 7),
            _ => self.code(0xc0 + sym - 280, 8),
        }
    }

    /// Match length 3..=258 as symbol 257..=285 plus extra bits.
    fn length(&mut self, len: usize) {
        let l = (len.clamp(3, 258) - 3) as u32;
        if l == 255 {
            self.symbol(285);
        } else if l < 8 {
            self.symbol(257 + l as u16);
        } else {
            let extra = l.ilog2() - 2;
            self.symbol((257 + 4 * (extra + 1) + ((l >> extra) & 3)) as u16);
            self.put(l, extra);
        }
    }

    /// Match distance 1..=32768 as a 5-bit code plus extra bits.
    fn distance(&mut self, dist: usize) {
        let d = (dist.clamp(1, 32768) - 1) as u32;
        if d < 4 {
            self.code(d, 5);
        } else {
            let extra = d.ilog2() - 1;
            self.code(2 * (extra + 1) + ((d >> extra) & 1), 5);
            self.put(d, extra);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.nbits > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// Standard base64 with padding, as Go's `base64.StdEncoding`.
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for group in data.chunks(3) {
        let byte = |i: usize| u32::from(group.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for i in 0..4 {
            if i <= group.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::super::otpauth_url;
    use super::*;

    fn base64_decode(text: &str) -> Vec<u8> {
        let value = |c: u8| match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("bad base64 {c}"),
        };
        let (mut out, mut acc, mut nbits) = (Vec::new(), 0u32, 0);
        for c in text.bytes().filter(|&c| c != b'=') {
            acc = (acc << 6) | u32::from(value(c));
            nbits += 6;
            if nbits >= 8 {
                nbits -= 8;
                out.push((acc >> nbits) as u8);
            }
        }
        out
    }

    /// Decodes a PNG to 8-bit grey pixels with the `png` crate.
    fn decode_png(png: &[u8]) -> (usize, usize, Vec<u8>) {
        let mut decoder = png::Decoder::new(png);
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut buf).unwrap();
        assert_eq!(frame.color_type, png::ColorType::Grayscale);
        assert_eq!(frame.bit_depth, png::BitDepth::Eight);
        buf.truncate(frame.buffer_size());
        (frame.width as usize, frame.height as usize, buf)
    }

    fn read_qr(width: usize, height: usize, pixels: &[u8]) -> String {
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
            pixels[y * width + x]
        });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "expected one QR code");
        grids[0].decode().unwrap().1
    }

    #[test]
    fn qr_png_decodes_back_to_the_url() {
        for account in [
            "john.doe+2fa@example.com",
            "a.very.long.email.address.for.testing.qr.versions+tag@subdomain.example-exchange.com",
        ] {
            let url = otpauth_url("Barong", account, b"12345678901234567890");
            let b64 = qr_png_base64(&url).unwrap();
            let png = base64_decode(&b64);
            assert_eq!(base64(&png), b64);
            let (w, h, pixels) = decode_png(&png);
            assert_eq!((w, h), (300, 300));
            assert_eq!(read_qr(w, h, &pixels), url);
            // Compressed, not stored: ~2 KB like Vault's, not the 11.7 KB raw.
            assert!(png.len() < 4096, "png is {} bytes", png.len());
        }
    }

    #[test]
    fn geometry_matches_boombuler() {
        let url = otpauth_url("Barong", "user@example.com", b"12345678901234567890");
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).unwrap();
        let width = code.width();
        let scale = 300 / width;
        let offset = (300 - width * scale) / 2;
        let (_, _, pixels) = decode_png(&base64_decode(&qr_png_base64(&url).unwrap()));
        let at = |x: usize, y: usize| pixels[y * 300 + x];
        // Finder pattern: dark top-left module at (offset, offset), white margin before it.
        assert_eq!(at(offset, offset), 0);
        assert_eq!(at(offset + scale - 1, offset + scale - 1), 0);
        if offset > 0 {
            assert_eq!(at(offset - 1, offset), 255);
        }
        let end = offset + width * scale;
        assert_eq!(at(end - 1, offset), 0); // top-right finder corner
        if end < 300 {
            assert_eq!(at(end, offset), 255);
        }
    }

    #[test]
    fn too_long_text_is_an_error() {
        assert_eq!(qr_png_base64(&"x".repeat(3000)), Err(TotpError::QrTooLong));
    }

    #[test]
    fn zlib_roundtrip() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut noise = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        };
        let mut inputs: Vec<(Vec<u8>, usize)> = vec![
            (vec![], 39),
            (vec![7], 39),
            (vec![0; 100_000], 39), // long runs: many 258-byte matches
            ((0..=255).collect(), 39),
            ((0..70_000u32).map(|i| (i % 251) as u8).collect(), 251), // row matches
        ];
        inputs.push(((0..5000).map(|_| noise()).collect(), 39));
        inputs.push(((0..5000).map(|_| noise() & 1).collect(), 3));
        inputs.push(((0..40_000).map(|_| noise() >> 7).collect(), 32768));
        inputs.push(((0..40_000).map(|_| noise() >> 6).collect(), 40_000));
        for (data, row) in inputs {
            let z = zlib_fixed(&data, row);
            assert_eq!(
                miniz_oxide::inflate::decompress_to_vec_zlib(&z).unwrap(),
                data
            );
        }
    }

    #[test]
    fn checksums_and_base64_vectors() {
        assert_eq!(crc32(b"IEND", &[]), 0xae42_6082);
        assert_eq!(crc32(b"1234", b"56789"), 0xcbf4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
    }
}
