//! Barong's list pagination (api-pagination 4.8 with Kaminari, `app/api/v2/named_params.rb`):
//! `page` (> 0, default 1) and `limit` (1..100, default 100) in, the `Total`, `Per-Page`,
//! `Page` and `Link` headers out.

use super::barong_validation::Param;
use axum::http::{HeaderMap, HeaderValue, Uri};

/// The shared pagination parameters with Barong's messages (no prefix).
pub const PAGINATION: [Param; 2] = [
    Param::optional("page")
        .integer()
        .type_message("non_integer_page")
        .values_check(|v| v.as_i64().is_some_and(|p| p > 0))
        .values_message("non_positive_page"),
    Param::optional("limit")
        .integer()
        .type_message("non_integer_limit")
        .int_range(1, 100)
        .values_message("invalid_limit"),
];

/// One page of `items` and the headers api-pagination sends with it; links are absolute,
/// under `base_url` (the deployment's public URL).
pub fn paginate<T>(
    items: Vec<T>,
    page: i64,
    per_page: i64,
    base_url: &str,
    uri: &Uri,
) -> (Vec<T>, HeaderMap) {
    let total = items.len();
    let per = usize::try_from(per_page.max(1)).unwrap_or(100);
    let page_index = usize::try_from(page.max(1)).unwrap_or(1);
    let start = (page_index - 1).saturating_mul(per);
    let items: Vec<T> = items.into_iter().skip(start).take(per).collect();
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    set("total", total.to_string());
    set("per-page", per.to_string());
    set("page", page_index.to_string());
    let last = total.div_ceil(per).max(1);
    let mut links = Vec::new();
    let link = |n: usize, rel: &str| format!("<{}>; rel=\"{rel}\"", page_url(base_url, uri, n));
    if page_index > 1 {
        links.push(link(1, "first"));
        links.push(link(page_index - 1, "prev"));
    }
    if page_index < last {
        links.push(link(last, "last"));
        links.push(link(page_index + 1, "next"));
    }
    if !links.is_empty() {
        set("link", links.join(", "));
    }
    (items, headers)
}

/// The request's URL with `page` replaced: api-pagination merges `page` into the parsed
/// query and writes it with Rails' `to_param`, which sorts the `key=value` pairs.
fn page_url(base_url: &str, uri: &Uri, page: usize) -> String {
    let mut pairs: Vec<String> = uri
        .query()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k != "page")
                .map(|(k, v)| {
                    form_urlencoded::Serializer::new(String::new())
                        .append_pair(&k, &v)
                        .finish()
                })
                .collect()
        })
        .unwrap_or_default();
    pairs.push(format!("page={page}"));
    pairs.sort();
    format!(
        "{}{}?{}",
        base_url.trim_end_matches('/'),
        uri.path(),
        pairs.join("&")
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_links() {
        let uri: Uri = "/api/v2/auth/resource/api_keys?limit=2&page=2&ordering=asc"
            .parse()
            .unwrap();
        let base = "https://auth.example.com";
        let (items, headers) = paginate((1..=5).collect::<Vec<_>>(), 2, 2, base, &uri);
        assert_eq!(items, [3, 4]);
        assert_eq!(headers["total"], "5");
        assert_eq!(headers["per-page"], "2");
        assert_eq!(headers["page"], "2");
        assert_eq!(
            headers["link"],
            "<https://auth.example.com/api/v2/auth/resource/api_keys?limit=2&ordering=asc&page=1>; rel=\"first\", \
             <https://auth.example.com/api/v2/auth/resource/api_keys?limit=2&ordering=asc&page=1>; rel=\"prev\", \
             <https://auth.example.com/api/v2/auth/resource/api_keys?limit=2&ordering=asc&page=3>; rel=\"last\", \
             <https://auth.example.com/api/v2/auth/resource/api_keys?limit=2&ordering=asc&page=3>; rel=\"next\""
        );
        let (items, headers) = paginate(vec![1], 1, 100, base, &uri);
        assert_eq!(items, [1]);
        assert!(!headers.contains_key("link"));
    }
}
