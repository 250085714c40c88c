//! Pages of the long lists read in SQL (`Service::list_enterprises_page`,
//! `Service::list_tasks_page`): followed page by page they give the whole list in its order,
//! a page starts after its cursor's item wherever it stands now, and a cursor naming no item
//! starts after as many as were seen. Each test runs on every backend.

use peiyu_domain::TaskKind;
use peiyu_service::{Due, ListEnterprises, ListTasks, NewTask, PageAsk};
use peiyu_tests::{midyear, new_enterprise, on_every_backend, service_at};

#[tokio::test]
async fn pages_read_in_sql_follow_the_whole_lists_order() {
    on_every_backend(async |db| {
        let (service, admin) = service_at(db, midyear()).await;
        // Names that tie on nothing, and due dates that tie (the id breaks the tie).
        for (n, name) in [
            (1, "丙公司"),
            (2, "甲公司"),
            (3, "乙公司"),
            (4, "丁公司"),
            (5, "戊公司"),
        ] {
            service
                .add_enterprise(&admin, new_enterprise(n, name), None)
                .await
                .unwrap();
            for day in [3, 3, 5] {
                service
                    .add_task(
                        &admin,
                        NewTask {
                            enterprise: Some(name.into()),
                            kind: TaskKind::Visit,
                            title: format!("走访{name}"),
                            description: None,
                            assignee: None,
                            due: Due::WorkingDays(day),
                            follow_up_on: None,
                        },
                    )
                    .await
                    .unwrap();
            }
        }
        let query = ListEnterprises::default();
        let whole: Vec<String> = service
            .list_enterprises(&admin, &query)
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.enterprise.id.to_string())
            .collect();
        for limit in [1, 2, 5, 7] {
            let mut paged = Vec::new();
            let mut page = PageAsk { limit, after: None };
            loop {
                let got = service
                    .list_enterprises_page(&admin, &query, &page)
                    .await
                    .unwrap();
                assert!(got.items.len() as u64 <= limit);
                paged.extend(got.items.iter().map(|v| v.enterprise.id.to_string()));
                let Some(last) = paged.last().filter(|_| got.more) else {
                    break;
                };
                page.after = Some((paged.len() as u64, last.clone()));
            }
            assert_eq!(paged, whole, "enterprises by {limit}");
        }

        let tasks = ListTasks {
            all: true,
            ..ListTasks::default()
        };
        let whole: Vec<String> = service
            .list_tasks(&admin, &tasks)
            .await
            .unwrap()
            .tasks
            .into_iter()
            .map(|t| t.value.id.to_string())
            .collect();
        assert_eq!(whole.len(), 15);
        for limit in [1, 4, 15, 16] {
            let mut paged = Vec::new();
            let mut page = PageAsk { limit, after: None };
            loop {
                let (got, more) = service
                    .list_tasks_page(&admin, &tasks, &page)
                    .await
                    .unwrap();
                paged.extend(got.tasks.iter().map(|t| t.value.id.to_string()));
                let Some(last) = paged.last().filter(|_| more) else {
                    break;
                };
                page.after = Some((paged.len() as u64, last.clone()));
            }
            assert_eq!(paged, whole, "tasks by {limit}");
        }

        // A page starts after its item wherever it stands now: an enterprise added before it
        // shifts nothing.
        let first = service
            .list_enterprises_page(
                &admin,
                &query,
                &PageAsk {
                    limit: 2,
                    after: None,
                },
            )
            .await
            .unwrap();
        let seen: Vec<String> = first
            .items
            .iter()
            .map(|v| v.enterprise.id.to_string())
            .collect();
        service
            .add_enterprise(&admin, new_enterprise(6, "一公司"), None)
            .await
            .unwrap();
        let after = PageAsk {
            limit: 2,
            after: Some((2, seen[1].clone())),
        };
        let next = service
            .list_enterprises_page(&admin, &query, &after)
            .await
            .unwrap();
        let next: Vec<String> = next
            .items
            .iter()
            .map(|v| v.enterprise.id.to_string())
            .collect();
        let now: Vec<String> = service
            .list_enterprises(&admin, &query)
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.enterprise.id.to_string())
            .collect();
        assert_eq!(now.len(), 6);
        assert_eq!(next, whole_after(&now, &seen[1], 2));
        // A cursor naming no enterprise starts after as many as it saw.
        let lost = PageAsk {
            limit: 1,
            after: Some((4, "00000000-0000-0000-0000-000000000000".into())),
        };
        let page = service
            .list_enterprises_page(&admin, &query, &lost)
            .await
            .unwrap();
        assert_eq!(
            page.items[0].enterprise.id.to_string(),
            now[4],
            "the fifth of the list as it stands"
        );
    })
    .await;
}

/// The `n` ids after `id` in `whole`.
fn whole_after(whole: &[String], id: &str, n: usize) -> Vec<String> {
    let at = whole.iter().position(|x| x == id).unwrap();
    whole[at + 1..].iter().take(n).cloned().collect()
}
