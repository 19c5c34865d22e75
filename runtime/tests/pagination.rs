//! `paginate`: short pages, empty listings, failures, caps, and servers that ignore `offset`.

mod common;

use std::sync::{Arc, Mutex};

use futures_util::{StreamExt, TryStreamExt};
use rt::{
    paginate, ApiError, Error, FakeClock, HeaderMap, Method, PageOptions, Request, StatusCode,
};
use sailpoint_sdk_runtime as rt;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

type Calls = Arc<Mutex<Vec<(u32, u32)>>>;

/// A listing of `total` numbered items served from memory, recording each (offset, limit).
fn listing(
    total: u32,
    calls: Calls,
) -> impl FnMut(u32, u32) -> std::future::Ready<Result<Vec<u32>, Error<()>>> + Send {
    move |offset, limit| {
        calls.lock().unwrap().push((offset, limit));
        let end = offset.saturating_add(limit).min(total);
        std::future::ready(Ok((offset.min(total)..end).collect()))
    }
}

fn api_error(status: u16) -> Error<()> {
    Error::Api(ApiError::new(
        "listThings",
        StatusCode::from_u16(status).unwrap(),
        HeaderMap::new(),
        (),
        b"",
    ))
}

#[tokio::test]
async fn reads_full_pages_until_a_short_one() {
    let calls = Calls::default();
    let items: Vec<u32> = paginate(PageOptions::default(), listing(517, calls.clone()))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, (0..517).collect::<Vec<_>>());
    assert_eq!(*calls.lock().unwrap(), [(0, 250), (250, 250), (500, 250)]);
}

#[tokio::test]
async fn an_exact_multiple_ends_on_an_empty_page() {
    let calls = Calls::default();
    let items: Vec<u32> = paginate(PageOptions::default(), listing(500, calls.clone()))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 500);
    assert_eq!(*calls.lock().unwrap(), [(0, 250), (250, 250), (500, 250)]);
}

#[tokio::test]
async fn an_empty_listing_yields_nothing() {
    let calls = Calls::default();
    let items: Vec<u32> = paginate(PageOptions::default(), listing(0, calls.clone()))
        .try_collect()
        .await
        .unwrap();
    assert!(items.is_empty());
    assert_eq!(calls.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_failing_second_page_yields_the_error_then_ends() {
    let mut page = 0;
    let stream = paginate(
        PageOptions::default().page_size(2),
        move |offset, _limit| {
            page += 1;
            std::future::ready(if page == 1 {
                Ok(vec![offset, offset + 1])
            } else {
                Err(api_error(500))
            })
        },
    );
    let results: Vec<Result<u32, Error<()>>> = stream.collect().await;
    assert_eq!(results.len(), 3);
    assert_eq!(*results[0].as_ref().unwrap(), 0);
    assert_eq!(*results[1].as_ref().unwrap(), 1);
    assert_eq!(
        results[2].as_ref().unwrap_err().status(),
        Some(StatusCode::INTERNAL_SERVER_ERROR)
    );
}

#[tokio::test]
async fn a_400_after_a_full_page_is_the_end() {
    let stream = paginate(PageOptions::default().page_size(2), |offset, _| {
        std::future::ready(if offset == 0 {
            Ok(vec![1, 2])
        } else {
            Err(api_error(400))
        })
    });
    let items: Vec<u32> = stream.try_collect().await.unwrap();
    assert_eq!(items, [1, 2]);
}

#[tokio::test]
async fn a_400_on_the_first_page_is_an_error() {
    let stream = paginate::<u32, (), _, _>(PageOptions::default(), |_, _| {
        std::future::ready(Err(api_error(400)))
    });
    let results: Vec<_> = stream.collect().await;
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0].as_ref().unwrap_err().status(),
        Some(StatusCode::BAD_REQUEST)
    );
}

#[tokio::test]
async fn a_server_ignoring_offset_is_detected() {
    let calls = Calls::default();
    let recorded = calls.clone();
    let stream = paginate(PageOptions::default().page_size(3), move |offset, limit| {
        recorded.lock().unwrap().push((offset, limit));
        std::future::ready(Ok::<_, Error<()>>(vec!["a", "b", "c"]))
    });
    let results: Vec<_> = stream.collect().await;
    assert_eq!(results.len(), 4);
    match &results[3] {
        Err(Error::Pagination(rt::PaginationError { offset, reason, .. })) => {
            assert_eq!(*offset, 3);
            assert!(reason.contains("ignore `offset`"), "{reason}");
        }
        other => panic!("expected a pagination error, got {other:?}"),
    }
    assert_eq!(calls.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn pages_that_share_their_ends_are_not_taken_for_a_repeat() {
    let stream = paginate(PageOptions::default().page_size(3), move |offset, _| {
        let page = match offset {
            0 => vec!["a", "b", "c"],
            3 => vec!["a", "x", "c"],
            _ => vec![],
        };
        std::future::ready(Ok::<_, Error<()>>(page))
    });
    let items: Vec<_> = stream.map(Result::unwrap).collect().await;
    assert_eq!(items, ["a", "b", "c", "a", "x", "c"]);
}

#[tokio::test]
async fn max_items_and_start_offset_are_honoured() {
    let calls = Calls::default();
    let options = PageOptions::default()
        .page_size(100)
        .start_offset(10)
        .max_items(150);
    let items: Vec<u32> = paginate(options, listing(1000, calls.clone()))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, (10..160).collect::<Vec<_>>());
    assert_eq!(*calls.lock().unwrap(), [(10, 100), (110, 50)]);
}

#[tokio::test]
async fn page_size_is_clamped() {
    for (asked, used) in [(0, 1), (1000, 250)] {
        let calls = Calls::default();
        let _: Vec<u32> = paginate(
            PageOptions::default().page_size(asked),
            listing(0, calls.clone()),
        )
        .try_collect()
        .await
        .unwrap();
        assert_eq!(calls.lock().unwrap()[0].1, used, "{asked}");
    }
}

/// Serves `total` items from `offset`/`limit` query parameters, like a SailPoint list endpoint.
struct ListEndpoint {
    total: u32,
}

impl Respond for ListEndpoint {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let param = |name: &str| -> u32 {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .map_or(0, |(_, v)| v.parse().unwrap())
        };
        let (offset, limit) = (param("offset"), param("limit"));
        let items: Vec<serde_json::Value> = (offset..offset.saturating_add(limit).min(self.total))
            .map(|i| serde_json::json!({ "id": format!("acc-{i}") }))
            .collect();
        ResponseTemplate::new(200).set_body_json(items)
    }
}

#[tokio::test]
async fn paginates_through_the_client() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/accounts"))
        .respond_with(ListEndpoint { total: 517 })
        .mount(&server)
        .await;
    let clock = FakeClock::default();
    let client = common::client(&server.uri(), &clock);
    let stream = paginate(PageOptions::default(), move |offset, limit| {
        let client = client.clone();
        async move {
            let request = Request::new("listAccounts", Method::GET, "/accounts")
                .query("offset", offset.to_string())
                .query("limit", limit.to_string());
            let response = client.execute::<()>(request).await?;
            match response.status().as_u16() {
                200 => response.json::<Vec<serde_json::Value>, ()>(),
                _ => Err(response.into_error::<()>()),
            }
        }
    });
    let accounts: Vec<serde_json::Value> = stream.try_collect().await.unwrap();
    assert_eq!(accounts.len(), 517);
    assert_eq!(accounts[516]["id"], "acc-516");
    assert_eq!(common::received(&server).await.len(), 3);
}
