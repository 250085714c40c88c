//! Languages and bilingual text: every user-facing sentence exists in zh-CN and en.

use std::fmt;
use std::str::FromStr;

/// A language the user can read; Chinese (zh-CN) unless they ask otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Simplified Chinese as used in mainland China (zh-CN), the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Both languages, Chinese first.
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The short tag, `"zh"` or `"en"`; [`Lang::from_str`] accepts it back.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    /// Prints [`Lang::code`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language tag that names neither Chinese nor English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LangError {
    /// The tag is not one of `zh`, `zh-CN`, `en` (or a regional English tag).
    #[error("unknown language \"{input}\": expected zh, zh-CN or en")]
    Unknown {
        /// The tag as given.
        input: String,
    },
}

impl Localize for LangError {
    fn localize(&self, _lang: Lang) -> Text {
        match self {
            LangError::Unknown { input } => Text::new(
                format!("未知的语言 \"{input}\"：应为 zh、zh-CN 或 en"),
                self.to_string(),
            ),
        }
    }
}

impl FromStr for Lang {
    type Err = LangError;

    /// Accepts `zh`, `zh-CN`, `zh_CN`, `zh-Hans`, `en` and regional English tags such as
    /// `en-US`, ignoring case and surrounding whitespace.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let tag = s.trim().to_ascii_lowercase().replace('_', "-");
        match tag.as_str() {
            "zh" | "zh-cn" | "zh-hans" | "zh-hans-cn" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            t if t.starts_with("en-") && t.len() > 3 => Ok(Lang::En),
            _ => Err(LangError::Unknown {
                input: s.to_owned(),
            }),
        }
    }
}

/// A message written in both Chinese and English; pick one with [`Text::get`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Text {
    zh: String,
    en: String,
}

impl Text {
    /// A message from its Chinese and English wording.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The wording in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// The Chinese wording.
    pub fn zh(&self) -> &str {
        &self.zh
    }

    /// The English wording.
    pub fn en(&self) -> &str {
        &self.en
    }
}

/// Something that can explain itself to a user in either language.
///
/// Every domain error implements it; by convention the error's `Display` is its English text,
/// so `err.localize(Lang::En).en() == err.to_string()`.
pub trait Localize {
    /// The message in both languages; `lang` lets an implementation skip work for the other
    /// language, but the returned [`Text`] always carries both.
    fn localize(&self, lang: Lang) -> Text;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_defaults_to_chinese() {
        assert_eq!(Lang::default(), Lang::Zh);
    }

    #[test]
    fn lang_parses_common_tags() {
        for (input, lang) in [
            ("zh", Lang::Zh),
            ("zh-CN", Lang::Zh),
            ("zh_cn", Lang::Zh),
            (" ZH ", Lang::Zh),
            ("zh-Hans", Lang::Zh),
            ("en", Lang::En),
            ("en-US", Lang::En),
            ("EN", Lang::En),
        ] {
            assert_eq!(input.parse::<Lang>(), Ok(lang), "{input}");
        }
    }

    #[test]
    fn lang_rejects_others() {
        for input in ["", "fr", "zh-TW", "en-", "english"] {
            let err = input.parse::<Lang>().unwrap_err();
            assert!(err.to_string().contains("zh-CN"));
            assert!(err.localize(Lang::Zh).zh().contains("未知的语言"));
        }
    }

    #[test]
    fn lang_code_round_trips() {
        for lang in Lang::ALL {
            assert_eq!(lang.to_string().parse::<Lang>(), Ok(lang));
        }
    }

    #[test]
    fn text_picks_language() {
        let t = Text::new("你好", "hello");
        assert_eq!(t.get(Lang::Zh), "你好");
        assert_eq!(t.get(Lang::En), "hello");
        assert_eq!(t.zh(), "你好");
        assert_eq!(t.en(), "hello");
    }

    #[test]
    fn english_localization_matches_display() {
        let err = LangError::Unknown { input: "fr".into() };
        assert_eq!(err.localize(Lang::En).en(), err.to_string());
    }
}
