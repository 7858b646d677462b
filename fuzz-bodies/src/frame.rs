//! How a target reads more than one input from its bytes: text lines, so seeds and
//! regressions stay readable files.

/// Splits at the first `\n`: `(first line without it, rest)`. Without a `\n`, the whole
/// input is the first line and the rest is empty.
pub fn first_line(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}

/// Header lines up to the first empty line, then the body (as in HTTP, `\r\n` or `\n`).
pub fn headers_and_body(data: &[u8]) -> (Vec<&[u8]>, &[u8]) {
    let mut headers = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let (line, after) = first_line(rest);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        rest = after;
        if line.is_empty() {
            break;
        }
        headers.push(line);
    }
    (headers, rest)
}

/// `Name: value` split at the first `:`, both trimmed of spaces and tabs.
pub fn header_pair(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let at = line.iter().position(|&b| b == b':')?;
    Some((line[..at].trim_ascii(), line[at + 1..].trim_ascii()))
}
