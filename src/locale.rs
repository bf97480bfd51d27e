//! The user's preferred languages, read at the program's edge: the POSIX locale variables when
//! set (`LC_ALL`, `LC_MESSAGES`, `LANG`: what a terminal user chose), else the system's UI
//! languages (Windows' display language, macOS' language list) through `sys-locale`, which is
//! where a designer started from the Start menu or the Dock finds them. Core's
//! `passmith_core::language::pick` then chooses among a pass's localizations.

/// Most preferred first, as language tags (`fr-FR`, then `fr`).
pub fn preferred_languages() -> Vec<String> {
    let from_env = passmith_core::language::preferred_from_env(|name| std::env::var(name).ok());
    if !from_env.is_empty() {
        return from_env;
    }
    let mut out = Vec::new();
    for tag in sys_locale::get_locales() {
        let tag = tag.replace('_', "-");
        if tag.is_empty() || tag == "C" || tag == "POSIX" {
            continue;
        }
        let language = tag.split('-').next().unwrap_or_default().to_owned();
        if !out.contains(&tag) {
            out.push(tag);
        }
        if !language.is_empty() && !out.contains(&language) {
            out.push(language);
        }
    }
    out
}
