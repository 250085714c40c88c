//! Enterprises on the county's books: who they are, where, and how much land they hold.

use std::fmt;
use std::str::FromStr;

use crate::decimal::{self, DecimalError};
use crate::i18n::{Lang, Localize, Text};
use crate::officer::{EnterpriseId, OfficerId};
use crate::sector::Sector;
use crate::uscc::Uscc;

/// Whether an enterprise is a legal entity (法人) or a branch; only legal entities can enter
/// the statistics on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LegalForm {
    /// 法人: a legal entity.
    LegalEntity,
    /// 分支机构 / 非法人: a branch or other unincorporated unit.
    Branch,
}

/// A text that names no legal form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LegalFormError {
    /// Not a key or Chinese name.
    #[error("unknown legal form \"{input}\": expected legal_entity or branch (法人 or 分支机构)")]
    Unknown {
        /// The text as given.
        input: String,
    },
}

impl Localize for LegalFormError {
    fn localize(&self, _lang: Lang) -> Text {
        match self {
            LegalFormError::Unknown { input } => Text::new(
                format!("未知的法人类型 \"{input}\"：应为 法人 或 分支机构"),
                self.to_string(),
            ),
        }
    }
}

impl LegalForm {
    /// Both forms.
    pub const ALL: [LegalForm; 2] = [LegalForm::LegalEntity, LegalForm::Branch];

    /// The stable key: `legal_entity` or `branch`.
    pub fn key(self) -> &'static str {
        match self {
            LegalForm::LegalEntity => "legal_entity",
            LegalForm::Branch => "branch",
        }
    }

    /// Reads a key (any ASCII case) or a Chinese name: 法人 (also 法人单位, 法人企业) or
    /// 分支机构 / 非法人 (also 非法人单位, 产业活动单位).
    pub fn parse(s: &str) -> Result<LegalForm, LegalFormError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "legal_entity" | "法人" | "法人单位" | "法人企业" => {
                Ok(LegalForm::LegalEntity)
            }
            "branch" | "分支机构" | "非法人" | "非法人单位" | "产业活动单位" => {
                Ok(LegalForm::Branch)
            }
            _ => Err(LegalFormError::Unknown {
                input: s.to_owned(),
            }),
        }
    }

    /// The name to show: zh 法人 / 分支机构, en legal entity / branch.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (LegalForm::LegalEntity, Lang::Zh) => "法人",
            (LegalForm::LegalEntity, Lang::En) => "legal entity",
            (LegalForm::Branch, Lang::Zh) => "分支机构",
            (LegalForm::Branch, Lang::En) => "branch",
        }
    }
}

impl fmt::Display for LegalForm {
    /// Prints [`LegalForm::key`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for LegalForm {
    type Err = LegalFormError;

    /// Same as [`LegalForm::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LegalForm::parse(s)
    }
}

/// An area of land in hundredths of a mu (亩), exact; never negative when parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LandArea(i64);

/// Why a text is not an area of land.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LandAreaError {
    /// Nothing but whitespace.
    #[error("the land area is empty")]
    Empty,
    /// Not a number of mu.
    #[error(
        "cannot read the land area \"{input}\": expected a number of mu such as 18.7 or 18.7亩"
    )]
    Malformed {
        /// The text as given.
        input: String,
    },
    /// More than two decimal places.
    #[error("the land area \"{input}\" has more than two decimal places; give it to 0.01 mu")]
    TooPrecise {
        /// The text as given.
        input: String,
    },
    /// A negative area.
    #[error("the land area must not be negative, got \"{input}\"")]
    Negative {
        /// The text as given.
        input: String,
    },
    /// Too large to hold.
    #[error("the land area \"{input}\" is too large")]
    Overflow {
        /// The text as given.
        input: String,
    },
}

impl Localize for LandAreaError {
    fn localize(&self, _lang: Lang) -> Text {
        let zh = match self {
            LandAreaError::Empty => "用地面积为空".to_owned(),
            LandAreaError::Malformed { input } => {
                format!("无法识别用地面积 \"{input}\"：应为亩数，如 18.7 或 18.7亩")
            }
            LandAreaError::TooPrecise { input } => {
                format!("用地面积 \"{input}\" 超过两位小数；请精确到 0.01 亩")
            }
            LandAreaError::Negative { input } => {
                format!("用地面积不能为负数，收到 \"{input}\"")
            }
            LandAreaError::Overflow { input } => format!("用地面积 \"{input}\" 过大"),
        };
        Text::new(zh, self.to_string())
    }
}

impl LandArea {
    /// Reads a number of mu with at most two decimals, optionally followed by `亩` or `mu`:
    /// `18.7`, `18.70亩`, `1,200 亩`.
    pub fn parse(s: &str) -> Result<LandArea, LandAreaError> {
        let input = s.trim();
        let number = input
            .strip_suffix('亩')
            .or_else(|| input.strip_suffix("mu"))
            .unwrap_or(input);
        let owned = || input.to_owned();
        match decimal::parse_scaled(number.trim_end(), 2) {
            Ok(v) => Ok(LandArea(v)),
            Err(DecimalError::Empty) if input.is_empty() => Err(LandAreaError::Empty),
            Err(DecimalError::Empty | DecimalError::Malformed) => {
                Err(LandAreaError::Malformed { input: owned() })
            }
            Err(DecimalError::TooPrecise) => Err(LandAreaError::TooPrecise { input: owned() }),
            Err(DecimalError::Negative) => Err(LandAreaError::Negative { input: owned() }),
            Err(DecimalError::Overflow) => Err(LandAreaError::Overflow { input: owned() }),
        }
    }

    /// The area in hundredths of a mu.
    pub fn centi_mu(self) -> i64 {
        self.0
    }

    /// An area of `c` hundredths of a mu.
    pub fn from_centi_mu(c: i64) -> LandArea {
        LandArea(c)
    }

    /// The area with its unit: zh `18.7亩`, en `18.7 mu`.
    pub fn format(self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("{self}亩"),
            Lang::En => format!("{self} mu"),
        }
    }
}

impl fmt::Display for LandArea {
    /// The exact number of mu without a unit, trailing zeros trimmed: `18.7`, `20`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal::format_scaled(self.0, 2, false))
    }
}

impl FromStr for LandArea {
    type Err = LandAreaError;

    /// Same as [`LandArea::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LandArea::parse(s)
    }
}

/// An enterprise on the county's books.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enterprise {
    /// The enterprise's id in peiyu.
    pub id: EnterpriseId,
    /// Its unified social credit code.
    pub uscc: Uscc,
    /// Its registered name.
    pub name: String,
    /// Its statistical sector.
    pub sector: Sector,
    /// The town or subdistrict (乡镇/街道) it is in.
    pub town: String,
    /// Its address.
    pub address: String,
    /// The land it holds, if known.
    pub land_area: Option<LandArea>,
    /// Legal entity or branch.
    pub legal_form: LegalForm,
    /// The officer who looks after it (包联干部), if assigned.
    pub responsible_officer: Option<OfficerId>,
    /// Whether it has left the books (kept for history, hidden from lists).
    pub archived: bool,
}

/// An enterprise about to be added; [`NewEnterprise::validate`] before storing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEnterprise {
    /// Its unified social credit code.
    pub uscc: Uscc,
    /// Its registered name: 1 to 200 characters once trimmed.
    pub name: String,
    /// Its statistical sector.
    pub sector: Sector,
    /// The town or subdistrict: at most 64 characters.
    pub town: String,
    /// Its address: at most 300 characters.
    pub address: String,
    /// The land it holds, if known.
    pub land_area: Option<LandArea>,
    /// Legal entity or branch.
    pub legal_form: LegalForm,
    /// The officer who looks after it, if assigned.
    pub responsible_officer: Option<OfficerId>,
}

/// A text field of an enterprise, as named in validation errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnterpriseField {
    /// The name.
    Name,
    /// The town.
    Town,
    /// The address.
    Address,
}

impl EnterpriseField {
    /// The stable key: `name`, `town`, `address`.
    pub fn key(self) -> &'static str {
        match self {
            EnterpriseField::Name => "name",
            EnterpriseField::Town => "town",
            EnterpriseField::Address => "address",
        }
    }

    /// The field's name: zh 企业名称 / 乡镇（街道） / 地址, en name / town / address.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (EnterpriseField::Name, Lang::Zh) => "企业名称",
            (EnterpriseField::Town, Lang::Zh) => "乡镇（街道）",
            (EnterpriseField::Address, Lang::Zh) => "地址",
            (field, Lang::En) => field.key(),
        }
    }

    /// The most characters the field may have (after trimming).
    pub fn max_len(self) -> usize {
        match self {
            EnterpriseField::Name => 200,
            EnterpriseField::Town => 64,
            EnterpriseField::Address => 300,
        }
    }
}

impl fmt::Display for EnterpriseField {
    /// Prints [`EnterpriseField::key`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Why a new enterprise cannot be added; names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnterpriseError {
    /// A required field is empty or only whitespace.
    #[error("the enterprise's {field} must not be blank")]
    Blank {
        /// The field.
        field: EnterpriseField,
    },
    /// A field is longer than allowed.
    #[error("the enterprise's {field} has {found} characters; at most {max} are allowed")]
    TooLong {
        /// The field.
        field: EnterpriseField,
        /// The most characters allowed.
        max: usize,
        /// How many it has (after trimming).
        found: usize,
    },
}

impl EnterpriseError {
    /// The field that is wrong, as the command line and import files name it.
    pub fn field(&self) -> &'static str {
        match self {
            EnterpriseError::Blank { field } | EnterpriseError::TooLong { field, .. } => {
                field.key()
            }
        }
    }
}

impl Localize for EnterpriseError {
    fn localize(&self, _lang: Lang) -> Text {
        let zh = match self {
            EnterpriseError::Blank { field } => format!("{}不能为空", field.label(Lang::Zh)),
            EnterpriseError::TooLong { field, max, found } => {
                format!("{}有 {found} 个字符，最多 {max} 个", field.label(Lang::Zh))
            }
        };
        Text::new(zh, self.to_string())
    }
}

impl NewEnterprise {
    /// Checks the text fields, lengths counted in characters after trimming: the name is
    /// 1 to 200, the town at most 64, the address at most 300. Reports the first failure in
    /// that order.
    pub fn validate(&self) -> Result<(), EnterpriseError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(EnterpriseError::Blank {
                field: EnterpriseField::Name,
            });
        }
        for (field, value) in [
            (EnterpriseField::Name, name),
            (EnterpriseField::Town, self.town.trim()),
            (EnterpriseField::Address, self.address.trim()),
        ] {
            let found = value.chars().count();
            if found > field.max_len() {
                return Err(EnterpriseError::TooLong {
                    field,
                    max: field.max_len(),
                    found,
                });
            }
        }
        Ok(())
    }

    /// Validates, then makes the enterprise with id `id`: text fields trimmed, not archived.
    pub fn into_enterprise(self, id: EnterpriseId) -> Result<Enterprise, EnterpriseError> {
        self.validate()?;
        Ok(Enterprise {
            id,
            uscc: self.uscc,
            name: self.name.trim().to_owned(),
            sector: self.sector,
            town: self.town.trim().to_owned(),
            address: self.address.trim().to_owned(),
            land_area: self.land_area,
            legal_form: self.legal_form,
            responsible_officer: self.responsible_officer,
            archived: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_enterprise() -> NewEnterprise {
        NewEnterprise {
            uscc: Uscc::parse("914403001922038216").unwrap(),
            name: " 华为技术有限公司 ".into(),
            sector: Sector::Industry,
            town: "坂田街道".into(),
            address: "深圳市龙岗区坂田华为基地".into(),
            land_area: Some(LandArea::parse("18.7亩").unwrap()),
            legal_form: LegalForm::LegalEntity,
            responsible_officer: None,
        }
    }

    #[test]
    fn legal_forms() {
        for f in LegalForm::ALL {
            assert_eq!(LegalForm::parse(f.key()), Ok(f));
            assert_eq!(LegalForm::parse(f.label(Lang::Zh)), Ok(f));
            assert_eq!(f.to_string().parse::<LegalForm>(), Ok(f));
        }
        assert_eq!(LegalForm::parse("非法人"), Ok(LegalForm::Branch));
        assert_eq!(LegalForm::parse("法人"), Ok(LegalForm::LegalEntity));
        let err = LegalForm::parse("个体户").unwrap_err();
        assert_eq!(err.localize(Lang::En).en(), err.to_string());
        assert!(err.localize(Lang::Zh).zh().contains("个体户"));
    }

    #[test]
    fn land_areas() {
        assert_eq!(LandArea::parse("18.7"), Ok(LandArea::from_centi_mu(1870)));
        assert_eq!(LandArea::parse("18.7亩"), Ok(LandArea(1870)));
        assert_eq!(LandArea::parse(" 18.70 亩 "), Ok(LandArea(1870)));
        assert_eq!(LandArea::parse("1,200"), Ok(LandArea(120_000)));
        assert_eq!(LandArea::parse("0.05 mu"), Ok(LandArea(5)));
        assert_eq!(LandArea(1870).to_string(), "18.7");
        assert_eq!(LandArea(2000).to_string(), "20");
        assert_eq!(LandArea(5).to_string(), "0.05");
        assert_eq!(LandArea(1870).format(Lang::Zh), "18.7亩");
        assert_eq!(LandArea(1870).format(Lang::En), "18.7 mu");
        assert_eq!(LandArea(1870).centi_mu(), 1870);
    }

    #[test]
    fn bad_land_areas() {
        assert_eq!(LandArea::parse(" "), Err(LandAreaError::Empty));
        assert_eq!(
            LandArea::parse("亩"),
            Err(LandAreaError::Malformed {
                input: "亩".into()
            })
        );
        assert_eq!(
            LandArea::parse("18.705"),
            Err(LandAreaError::TooPrecise {
                input: "18.705".into()
            })
        );
        assert_eq!(
            LandArea::parse("-1"),
            Err(LandAreaError::Negative { input: "-1".into() })
        );
        assert!(matches!(
            LandArea::parse("99999999999999999999"),
            Err(LandAreaError::Overflow { .. })
        ));
        assert!(matches!(
            LandArea::parse("十八亩"),
            Err(LandAreaError::Malformed { .. })
        ));
        for err in [
            LandAreaError::Empty,
            LandAreaError::Malformed { input: "x".into() },
            LandAreaError::TooPrecise { input: "x".into() },
            LandAreaError::Negative { input: "x".into() },
            LandAreaError::Overflow { input: "x".into() },
        ] {
            assert!(err.localize(Lang::Zh).zh().contains("用地面积"));
            assert_eq!(err.localize(Lang::En).en(), err.to_string());
        }
    }

    #[test]
    fn land_area_display_round_trips() {
        for c in [0, 1, 10, 99, 100, 1870, 123_456_789] {
            let a = LandArea(c);
            assert_eq!(LandArea::parse(&a.to_string()), Ok(a));
            assert_eq!(LandArea::parse(&a.format(Lang::Zh)), Ok(a));
        }
    }

    #[test]
    fn valid_new_enterprise() {
        let new = new_enterprise();
        assert_eq!(new.validate(), Ok(()));
        let id = EnterpriseId::new();
        let e = new.into_enterprise(id).unwrap();
        assert_eq!(e.id, id);
        assert_eq!(e.name, "华为技术有限公司");
        assert!(!e.archived);
        assert_eq!(e.land_area, Some(LandArea(1870)));
    }

    #[test]
    fn name_must_not_be_blank() {
        let mut new = new_enterprise();
        new.name = " \t ".into();
        let err = new.validate().unwrap_err();
        assert_eq!(
            err,
            EnterpriseError::Blank {
                field: EnterpriseField::Name
            }
        );
        assert_eq!(err.to_string(), "the enterprise's name must not be blank");
        assert_eq!(err.localize(Lang::Zh).zh(), "企业名称不能为空");
        assert!(new.into_enterprise(EnterpriseId::new()).is_err());
    }

    #[test]
    fn length_limits_count_characters() {
        let mut new = new_enterprise();
        new.name = "企".repeat(200);
        assert_eq!(new.validate(), Ok(()));
        new.name = "企".repeat(201);
        assert_eq!(
            new.validate(),
            Err(EnterpriseError::TooLong {
                field: EnterpriseField::Name,
                max: 200,
                found: 201
            })
        );
        let mut new = new_enterprise();
        new.town = "镇".repeat(65);
        let err = new.validate().unwrap_err();
        assert_eq!(
            err,
            EnterpriseError::TooLong {
                field: EnterpriseField::Town,
                max: 64,
                found: 65
            }
        );
        assert_eq!(
            err.localize(Lang::Zh).zh(),
            "乡镇（街道）有 65 个字符，最多 64 个"
        );
        let mut new = new_enterprise();
        new.town = String::new();
        new.address = "路".repeat(301);
        assert!(matches!(
            new.validate(),
            Err(EnterpriseError::TooLong {
                field: EnterpriseField::Address,
                ..
            })
        ));
        new.address = format!("  {}  ", "路".repeat(300));
        assert_eq!(new.validate(), Ok(()));
    }
}
