//! The command line's own mistakes (a missing argument, an unknown option, a bad value) told in
//! the language asked for: clap writes them in English, so under `--lang zh` (the default) they
//! are retold in Chinese from clap's error context, with the same usage line and exit code 2.
//! Help and version output are clap's own.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use peiyu_domain::Lang;

/// The language asked for on the command line (`--lang en`, `--lang=en`) or in `PEIYU_LANG`,
/// read before the arguments are understood: Chinese unless English is asked for.
pub fn asked_lang(args: &[std::ffi::OsString], env: Option<&str>) -> Lang {
    let mut asked = env.map(str::to_owned);
    let mut iter = args.iter().filter_map(|a| a.to_str());
    while let Some(a) = iter.next() {
        if a == "--lang" {
            asked = iter.next().map(str::to_owned);
        } else if let Some(v) = a.strip_prefix("--lang=") {
            asked = Some(v.to_owned());
        }
    }
    match asked.as_deref() {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

fn values(v: Option<&ContextValue>) -> String {
    match v {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join("、"),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(list)) => list
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        Some(ContextValue::Number(n)) => n.to_string(),
        Some(ContextValue::Bool(b)) => b.to_string(),
        Some(ContextValue::None) | None => String::new(),
        Some(_) => String::new(),
    }
}

/// The error in Chinese, with clap's usage line and a pointer to `--help`; `None` for what is
/// not an error (help, version), which clap prints itself.
pub fn in_chinese(e: &clap::Error) -> Option<String> {
    let get = |k: ContextKind| values(e.get(k));
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let message = match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::MissingRequiredArgument => format!("缺少必填参数：{arg}"),
        ErrorKind::MissingSubcommand => {
            format!("请给出子命令，可用：{}", get(ContextKind::ValidSubcommand))
        }
        ErrorKind::InvalidSubcommand => {
            let mut m = format!("没有子命令「{}」", get(ContextKind::InvalidSubcommand));
            let suggested = get(ContextKind::SuggestedSubcommand);
            if !suggested.is_empty() {
                m.push_str(&format!("，是否要用「{suggested}」？"));
            }
            m
        }
        ErrorKind::UnknownArgument => {
            let mut m = format!("不认识的参数「{arg}」");
            let suggested = get(ContextKind::SuggestedArg);
            if !suggested.is_empty() {
                m.push_str(&format!("，是否要用「{suggested}」？"));
            }
            m
        }
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue);
            if value.is_empty() {
                format!("{arg} 需要一个值")
            } else if valid.is_empty() {
                format!("{arg} 的值「{value}」无效")
            } else {
                format!("{arg} 的值「{value}」无效，可用：{valid}")
            }
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| format!("：{s}"))
                .unwrap_or_default();
            format!("{arg} 的值「{value}」无效{why}")
        }
        ErrorKind::ArgumentConflict => {
            let prior = get(ContextKind::PriorArg);
            if prior.is_empty() {
                format!("{arg} 不能与其他参数同时使用")
            } else {
                format!("{arg} 不能与 {prior} 同时使用")
            }
        }
        ErrorKind::TooManyValues => format!("{arg} 给的值太多：「{value}」是多余的"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => format!(
            "{arg} 需要 {} 个值，实际给了 {} 个",
            get(ContextKind::ExpectedNumValues),
            get(ContextKind::ActualNumValues)
        ),
        ErrorKind::NoEquals => format!("{arg} 的值要用等号给出，如 {arg}=值"),
        ErrorKind::InvalidUtf8 => "参数中有无法识别的字符（不是 UTF-8）".to_owned(),
        _ => return Some(e.render().to_string()),
    };
    let usage = get(ContextKind::Usage).replace("Usage:", "用法：");
    let mut out = format!("错误：{message}\n");
    if !usage.is_empty() {
        out.push('\n');
        out.push_str(usage.trim_end());
        out.push('\n');
    }
    out.push_str("\n更多说明请加 --help\n");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Cli;
    use clap::Parser;

    fn error_of(args: &[&str]) -> String {
        let e = Cli::try_parse_from(args).expect_err("a mistake");
        in_chinese(&e).expect("an error, not help")
    }

    #[test]
    fn mistakes_are_told_in_chinese_with_the_usage() {
        let m = error_of(&["peiyu", "case", "advance"]);
        assert!(m.starts_with("错误：缺少必填参数："), "{m}");
        assert!(m.contains("--track") && m.contains("<ENTERPRISE>"), "{m}");
        assert!(m.contains("用法："), "{m}");
        assert!(!m.contains("required arguments"), "{m}");

        let m = error_of(&["peiyu", "weekly", "--nope"]);
        assert!(m.contains("不认识的参数「--nope」"), "{m}");

        let m = error_of(&["peiyu", "--lang", "fr", "weekly"]);
        assert!(
            m.contains("--lang") && m.contains("「fr」") && m.contains("zh"),
            "{m}"
        );

        let m = error_of(&["peiyu", "cas"]);
        assert!(m.contains("没有子命令「cas」"), "{m}");
    }

    #[test]
    fn help_is_left_to_clap() {
        let e = Cli::try_parse_from(["peiyu", "--help"]).expect_err("help");
        assert!(in_chinese(&e).is_none());
    }

    #[test]
    fn the_language_is_read_before_parsing() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(asked_lang(&args(&["peiyu", "x"]), None), Lang::Zh);
        assert_eq!(
            asked_lang(&args(&["peiyu", "--lang", "en"]), None),
            Lang::En
        );
        assert_eq!(asked_lang(&args(&["peiyu", "--lang=en"]), None), Lang::En);
        assert_eq!(asked_lang(&args(&["peiyu"]), Some("en")), Lang::En);
        assert_eq!(
            asked_lang(&args(&["peiyu", "--lang", "zh"]), Some("en")),
            Lang::Zh
        );
    }
}
