//! Which localization to show when nobody chose one: the user's preferred language if the pass
//! has it, else English, else the first `.lproj` the pass has.
//!
//! Wallet always shows an available localization. A pass whose pass.json holds keys
//! (`PASS_GATE`) instead of texts shows those raw keys, with false "cut off" warnings, when it is
//! drawn with no localization, so a preview must pick one the way Wallet would.

/// The user's preferred languages from the POSIX locale variables, most preferred first:
/// `LC_ALL`, then `LC_MESSAGES`, then `LANG` (the first one set and not empty decides, as
/// `setlocale` does). `fr_FR.UTF-8` gives `fr-FR` then `fr`; `C` and `POSIX` give nothing.
/// `var` reads a variable (`std::env::var(..).ok()` at the edge; a map in tests).
pub fn preferred_from_env(var: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let Some(locale) = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| var(name))
        .find(|v| !v.is_empty())
    else {
        return Vec::new();
    };
    // `language[_territory][.codeset][@modifier]`
    let tag = locale
        .split(['.', '@'])
        .next()
        .unwrap_or_default()
        .replace('_', "-");
    if tag.is_empty() || tag == "C" || tag == "POSIX" {
        return Vec::new();
    }
    let mut out = vec![tag.clone()];
    if let Some((language, _)) = tag.split_once('-') {
        out.push(language.to_owned());
    }
    out
}

/// The language to show from `available` (a pass's languages, e.g. from
/// [`crate::PassDocument::languages`]): the first of `preferred` the pass has (`fr-FR` matches
/// `fr_FR`, `fr-FR` or `fr`), else `en`, else the first available. `None` when the pass has no
/// localizations.
pub fn pick(available: &[String], preferred: &[String]) -> Option<String> {
    let normal = |s: &str| s.replace('_', "-").to_ascii_lowercase();
    let find = |wanted: &str| {
        let wanted = normal(wanted);
        available.iter().find(|a| normal(a) == wanted).cloned()
    };
    preferred
        .iter()
        .find_map(|p| find(p))
        .or_else(|| find("en"))
        .or_else(|| available.first().cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<String> {
        preferred_from_env(|name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    fn langs(l: &[&str]) -> Vec<String> {
        l.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn locale_variables_in_setlocale_order() {
        assert_eq!(env(&[("LANG", "fr_FR.UTF-8")]), ["fr-FR", "fr"]);
        assert_eq!(
            env(&[("LANG", "de_DE.UTF-8"), ("LC_ALL", "ja_JP")]),
            ["ja-JP", "ja"]
        );
        assert_eq!(env(&[("LANG", "pt_BR"), ("LC_MESSAGES", "es")]), ["es"]);
        assert_eq!(
            env(&[("LC_ALL", ""), ("LANG", "sv_SE@euro")]),
            ["sv-SE", "sv"]
        );
        assert!(env(&[("LANG", "C.UTF-8")]).is_empty());
        assert!(env(&[("LANG", "POSIX")]).is_empty());
        assert!(env(&[]).is_empty());
    }

    #[test]
    fn preferred_then_english_then_first() {
        let available = langs(&["de", "en", "fr"]);
        assert_eq!(
            pick(&available, &langs(&["fr-FR", "fr"])).as_deref(),
            Some("fr")
        );
        assert_eq!(
            pick(&available, &langs(&["it-IT", "it"])).as_deref(),
            Some("en")
        );
        assert_eq!(pick(&langs(&["de", "fr"]), &[]).as_deref(), Some("de"));
        assert_eq!(
            pick(&langs(&["zh_CN", "en"]), &langs(&["zh-CN", "zh"])).as_deref(),
            Some("zh_CN")
        );
        assert_eq!(
            pick(&langs(&["pt-BR"]), &langs(&["pt-br"])).as_deref(),
            Some("pt-BR")
        );
        assert_eq!(pick(&[], &langs(&["fr"])), None);
    }
}
