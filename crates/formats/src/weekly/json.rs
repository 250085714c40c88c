//! The JSON rendering: every section with every field, under stable keys, for scripts and the
//! web pages. Text meant for people is given in both languages (`{"zh": …, "en": …}`).

use peiyu_domain::Text;
use peiyu_service::weekly::{WatchItem, WatchReason, WeeklyList, WeeklyScope, WeeklyTask};
use serde_json::{Value, json};

use super::cells::reason_key;

/// Renders `list` as a JSON value. Top-level keys: `scope`, `week`, `monday`, `sunday`,
/// `as_of`, `overdue`, `this_week` (a day per entry: `date`, `weekday`, `working_day`, `tasks`),
/// `next_week`, `done_last_week`, `watch`, `seal`. Every task has the same keys; absent values
/// are `null`, never missing; dates are `YYYY-MM-DD`. The keys are documented in `docs/weekly.md`.
pub fn json(list: &WeeklyList) -> Value {
    let scope = match &list.scope {
        WeeklyScope::Officer { login, name } => {
            json!({ "kind": "officer", "login": login, "name": name })
        }
        WeeklyScope::Team { name } => json!({ "kind": "team", "login": null, "name": name }),
        WeeklyScope::Bureau => json!({ "kind": "bureau", "login": null, "name": null }),
    };
    let tasks = |ts: &[WeeklyTask]| ts.iter().map(task).collect::<Vec<_>>();
    json!({
        "scope": scope,
        "week": list.week.to_string(),
        "monday": list.week.monday().to_string(),
        "sunday": list.week.sunday().to_string(),
        "as_of": list.as_of.to_string(),
        "basis": list.basis.key(),
        "overdue": tasks(&list.overdue),
        "this_week": list.this_week.iter().map(|day| json!({
            "date": day.date.to_string(),
            "weekday": day.date.format("%A").to_string().to_lowercase(),
            "working_day": day.working_day,
            "tasks": tasks(&day.tasks),
        })).collect::<Vec<_>>(),
        "next_week": tasks(&list.next_week),
        "done_last_week": tasks(&list.done_last_week),
        "watch": list.watch.iter().map(watch).collect::<Vec<_>>(),
        "seal": list.seal,
        "provisional_years": list.provisional_years,
    })
}

fn text(t: &Text) -> Value {
    json!({ "zh": t.zh(), "en": t.en() })
}

fn task(t: &WeeklyTask) -> Value {
    let task = &t.task;
    json!({
        "id": task.id.to_string(),
        "short_id": t.short_id,
        "kind": task.kind.key(),
        "title": task.title,
        "description": task.description,
        "enterprise_id": task.enterprise.map(|e| e.to_string()),
        "enterprise_name": t.enterprise_name,
        "enterprise_uscc": t.enterprise_uscc,
        "batch": t.batch.map(|b| b.number()),
        "assignee_login": t.assignee_login,
        "assignee_name": t.assignee_name,
        "delegate_name": t.delegate_name,
        "status": task.status.key(),
        "created_on": task.created_on.to_string(),
        "due_on": task.due_on.to_string(),
        "follow_up_on": task.follow_up_on.map(|d| d.to_string()),
        "completed_on": task.completed_on.map(|d| d.to_string()),
        "origin": task.origin,
        "working_days_overdue": t.working_days_overdue,
        "carried_over": t.carried_over,
        "due_provisional": t.due_provisional,
        "seq": t.seq,
        "progress": t.progress.as_ref().map(|n| json!({
            "written_on": n.written_on.to_string(),
            "progress": n.progress,
            "problem": n.problem,
            "next_step": n.next_step,
        })),
    })
}

fn watch(w: &WatchItem) -> Value {
    let (target_date, target_stage, share_bp, days) = match &w.reason {
        WatchReason::TargetAtRisk {
            target_date,
            target_stage,
            ..
        } => (
            Some(target_date.to_string()),
            target_stage.clone(),
            None,
            None,
        ),
        WatchReason::NearThreshold { share_bp } => (None, None, Some(*share_bp), None),
        WatchReason::Stalled { days } => (None, None, None, Some(*days)),
    };
    json!({
        "reason": reason_key(&w.reason),
        "target_date": target_date,
        "target_stage": target_stage,
        "share_bp": share_bp,
        "stalled_days": days,
        "enterprise_name": w.enterprise_name,
        "enterprise_uscc": w.enterprise_uscc,
        "batch": w.batch.map(|b| b.number()),
        "track": w.track,
        "track_label": w.track_label.as_ref().map(text),
        "stage": w.stage.as_ref().map(text),
        "detail": text(&w.detail),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::weekly::fixture;

    #[test]
    fn json_snapshot() {
        insta::assert_json_snapshot!(json(&fixture::week27()));
    }

    /// The "done when" of issue 5: a week with overdue, due, upcoming and done tasks across the
    /// Dragon Boat holiday, every section checked.
    #[test]
    fn every_section_of_a_week_across_the_holiday() {
        let v = json(&fixture::week27());
        assert_eq!(v["week"], "2023-W27");
        assert_eq!(v["monday"], "2023-07-03");
        assert_eq!(v["sunday"], "2023-07-09");
        assert_eq!(v["as_of"], "2023-07-03");
        assert_eq!(
            v["scope"],
            json!({"kind": "officer", "login": "wang.wei", "name": "王伟"})
        );

        let overdue = v["overdue"].as_array().unwrap();
        let due: Vec<&str> = overdue
            .iter()
            .map(|t| t["due_on"].as_str().unwrap())
            .collect();
        assert_eq!(due, ["2023-06-21", "2023-06-26", "2023-06-29"]);
        let late: Vec<u64> = overdue
            .iter()
            .map(|t| t["working_days_overdue"].as_u64().unwrap())
            .collect();
        // 21 June, before the holiday: 25 June (make-up workday), 26–30 June and 3 July.
        assert_eq!(late, [7, 5, 2]);
        let batches: Vec<Value> = overdue.iter().map(|t| t["batch"].clone()).collect();
        assert_eq!(batches, [json!(1), json!(2), Value::Null]);
        let carried: Vec<Value> = overdue.iter().map(|t| t["carried_over"].clone()).collect();
        assert_eq!(carried, [json!(true), json!(false), json!(false)]);
        assert_eq!(overdue[1]["seq"], 2);
        assert_eq!(overdue[1]["progress"]["problem"], "规划许可待批");
        assert_eq!(overdue[0]["progress"], Value::Null);
        assert!(overdue.iter().all(|t| t["status"] == "open"));
        assert_eq!(overdue[1]["kind"], "factor_guarantee:land");
        assert_eq!(overdue[1]["delegate_name"], "李娜");
        assert_eq!(overdue[0]["delegate_name"], Value::Null);
        assert_eq!(overdue[2]["enterprise_name"], Value::Null);

        let days = v["this_week"].as_array().unwrap();
        assert_eq!(days.len(), 7);
        let per_day: Vec<usize> = days
            .iter()
            .map(|d| d["tasks"].as_array().unwrap().len())
            .collect();
        assert_eq!(per_day, [2, 0, 1, 1, 1, 0, 0]);
        assert_eq!(days[0]["weekday"], "monday");
        assert_eq!(days[5]["working_day"], false);
        assert_eq!(days[2]["tasks"][0]["carried_over"], false);
        assert_eq!(days[0]["tasks"][0]["working_days_overdue"], Value::Null);

        let next: Vec<&str> = v["next_week"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["due_on"].as_str().unwrap())
            .collect();
        assert_eq!(next, ["2023-07-12", "2023-07-14"]);

        let done = v["done_last_week"].as_array().unwrap();
        assert_eq!(done.len(), 2);
        assert!(done.iter().all(|t| t["status"] == "done"));
        assert_eq!(done[0]["completed_on"], "2023-06-28");
        assert_eq!(done[1]["batch"], 4);

        let reasons: Vec<&str> = v["watch"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["reason"].as_str().unwrap())
            .collect();
        assert_eq!(reasons, ["target_at_risk", "near_threshold", "stalled"]);
        assert_eq!(v["watch"][0]["target_date"], "2023-08-31");
        assert_eq!(v["watch"][1]["share_bp"], 9250);
        assert_eq!(v["watch"][2]["stalled_days"], 75);
        assert_eq!(v["watch"][2]["batch"], Value::Null);
        assert_eq!(v["watch"][0]["stage"]["en"], "cultivating");
        assert_eq!(v["seal"].as_str().map(str::len), Some(64));
    }

    #[test]
    fn every_task_has_the_same_keys() {
        let v = json(&fixture::week27());
        let keys = |t: &Value| t.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        let first = keys(&v["overdue"][0]);
        assert_eq!(first.len(), 23);
        for section in ["overdue", "next_week", "done_last_week"] {
            for t in v[section].as_array().unwrap() {
                assert_eq!(keys(t), first);
            }
        }
        let empty = json(&fixture::empty());
        assert_eq!(empty["seal"], Value::Null);
        assert_eq!(empty["scope"]["kind"], "bureau");
        assert_eq!(empty["overdue"], json!([]));
    }
}
