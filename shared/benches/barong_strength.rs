//! Barong's password entropy (strong_password's adjusters over a 10,000-word dictionary) and the
//! registration validations, per call.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use gatehouse::password::barong_strength::entropy_value;
use gatehouse::wire::barong::validate::user_errors;

fn entropy(c: &mut Criterion) {
    let mut group = c.benchmark_group("barong_entropy");
    // Build the automata outside the measurement.
    entropy_value("warm up");
    for (name, password) in [
        ("20_chars", "Xwqe213PZCXwe!k9Lm#q"),
        ("20_chars_dictionary", "P@ssw0rdqwerty123456"),
        ("1000_chars", &"aB3$xY7!".repeat(125)),
    ] {
        group.bench_function(name, |b| b.iter(|| entropy_value(black_box(password))));
    }
    group.finish();
}

fn registration(c: &mut Criterion) {
    c.bench_function("barong_user_errors", |b| {
        b.iter(|| {
            user_errors(
                black_box("first.last@example.com"),
                black_box("Xwqe213PZCXwe!k9Lm#q"),
                black_box(Some("Nick2024")),
                black_box(Some(r#"{"language":"en"}"#)),
            )
        })
    });
}

criterion_group!(benches, entropy, registration);
criterion_main!(benches);
