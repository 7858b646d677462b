//! Card numbers: the Luhn check digit and the one masking rule.

/// Whether `number` is one or more half-width digits whose Luhn check digit is right
/// (every real card number passes it).
///
/// ```
/// use veritrans_core::card::luhn;
/// assert!(luhn("4111111111111111"));
/// assert!(!luhn("4111111111111112"));
/// assert!(!luhn(""));
/// assert!(!luhn("4111-1111"));
/// ```
pub fn luhn(number: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in number.bytes().rev().enumerate() {
        if !b.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !number.is_empty() && sum.is_multiple_of(10)
}

/// `number` with all but its first six and last four characters replaced by `*`
/// (`411111******1111`), the form the gateways' answers and the sandbox's logs show.
/// Anything of ten characters or fewer becomes all `*`: too short to keep six and four
/// and still hide something.
///
/// ```
/// use veritrans_core::card::mask;
/// assert_eq!(mask("4111111111111111"), "411111******1111");
/// assert_eq!(mask("5555444433332222444"), "555544*********2444");
/// assert_eq!(mask("1234567890"), "**********");
/// ```
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let len = chars.len();
    if len <= 10 {
        return "*".repeat(len);
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if i < 6 || i >= len - 4 { c } else { '*' })
        .collect()
}

/// `number` with every character but the last four replaced by `*` (`************1111`),
/// J-Payment's masked form.
///
/// ```
/// assert_eq!(veritrans_core::card::mask_all_but_last4("4111111111111111"), "************1111");
/// assert_eq!(veritrans_core::card::mask_all_but_last4("1234"), "****");
/// ```
pub fn mask_all_but_last4(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let len = chars.len();
    if len <= 4 {
        return "*".repeat(len);
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if i >= len - 4 { c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_the_test_cards_and_refuses_one_digit_off() {
        for good in [
            "4111111111111111",
            "5555555555554444",
            "378282246310005",
            "0",
        ] {
            assert!(luhn(good), "{good}");
        }
        for bad in ["4111111111111112", "5555555555554445", "x", "４１１１"] {
            assert!(!luhn(bad), "{bad}");
        }
    }

    #[test]
    fn masks_never_show_the_middle_digits() {
        let n = "4111119876541111";
        assert!(!mask(n).contains("987654"));
        assert!(!mask_all_but_last4(n).contains("987654"));
        // Never panics on short or multi-byte input.
        assert_eq!(mask(""), "");
        assert_eq!(mask("１２３４５６７８９０１２"), "１２３４５６**９０１２");
    }
}
