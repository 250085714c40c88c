//! Names for what a view points at: the officers and enterprises its tasks, moves and entries
//! name by id, read once with the view so that no front end loads a register to name them.

use std::collections::{BTreeSet, HashMap};

use peiyu_domain::{Enterprise, EnterpriseId, Officer, OfficerId};
use peiyu_storage::{enterprises, officers};

use crate::Service;
use crate::error::ServiceResult;

/// The officers and enterprises a view mentions, by id. Holds exactly those the view points at
/// (never the whole register), so its cost grows with the view.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// Officers by id.
    pub officers: HashMap<OfficerId, Officer>,
    /// Enterprises by id.
    pub enterprises: HashMap<EnterpriseId, Enterprise>,
}

impl Names {
    /// The login of an officer, if the view mentions them.
    pub fn login(&self, id: OfficerId) -> Option<String> {
        self.officers.get(&id).map(|o| o.login.as_str().to_owned())
    }

    /// The name of an officer, or their id when the officer is not known (a row written by
    /// something other than peiyu).
    pub fn officer_name(&self, id: OfficerId) -> String {
        self.officers
            .get(&id)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    /// The enterprise, if the view mentions it.
    pub fn enterprise(&self, id: EnterpriseId) -> Option<&Enterprise> {
        self.enterprises.get(&id)
    }

    /// Adds an enterprise the caller already holds.
    pub fn with_enterprise(mut self, e: &Enterprise) -> Names {
        self.enterprises.insert(e.id, e.clone());
        self
    }
}

/// The ids a view needs named, gathered while it is built.
#[derive(Debug, Default)]
pub struct NameIds {
    officers: BTreeSet<OfficerId>,
    enterprises: BTreeSet<EnterpriseId>,
}

impl NameIds {
    /// Asks for an officer's name.
    pub fn officer(&mut self, id: OfficerId) -> &mut Self {
        self.officers.insert(id);
        self
    }

    /// Asks for an enterprise's name.
    pub fn enterprise(&mut self, id: EnterpriseId) -> &mut Self {
        self.enterprises.insert(id);
        self
    }

    /// Asks for the names a task points at: its assignee, delegate and enterprise.
    pub fn task(&mut self, t: &peiyu_domain::Task) -> &mut Self {
        self.officer(t.assignee);
        if let Some(d) = t.delegate {
            self.officer(d);
        }
        if let Some(e) = t.enterprise {
            self.enterprise(e);
        }
        self
    }
}

impl Service {
    /// Reads the officers and enterprises `ids` asks for, and nothing else.
    pub async fn names(&self, ids: &NameIds) -> ServiceResult<Names> {
        self.names_knowing(ids, Names::default()).await
    }

    /// [`Service::names`], taking the officers and enterprises of `known` that `ids` asks for
    /// as they are (the caller read them in this request) and reading only the others.
    pub(crate) async fn names_knowing(&self, ids: &NameIds, known: Names) -> ServiceResult<Names> {
        let conn = self.store().conn();
        let mut names = Names::default();
        let mut officer_ids: Vec<OfficerId> = Vec::new();
        for id in &ids.officers {
            match known.officers.get(id) {
                Some(o) => {
                    names.officers.insert(*id, o.clone());
                }
                None => officer_ids.push(*id),
            }
        }
        let mut enterprise_ids: Vec<EnterpriseId> = Vec::new();
        for id in &ids.enterprises {
            match known.enterprises.get(id) {
                Some(e) => {
                    names.enterprises.insert(*id, e.clone());
                }
                None => enterprise_ids.push(*id),
            }
        }
        let officers = if officer_ids.is_empty() {
            Vec::new()
        } else {
            officers::officers_by_ids(conn, &officer_ids).await?
        };
        let enterprises = if enterprise_ids.is_empty() {
            Vec::new()
        } else {
            enterprises::enterprises_by_ids(conn, &enterprise_ids).await?
        };
        names
            .officers
            .extend(officers.into_iter().map(|o| (o.id, o)));
        names
            .enterprises
            .extend(enterprises.into_iter().map(|e| (e.id, e)));
        Ok(names)
    }
}
