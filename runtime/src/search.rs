//! Search past 10,000 results: offset paging while the window allows, then `searchAfter`,
//! with a sort that always ends in `id` so that records sharing a sort value are neither lost
//! nor repeated at a page boundary.

use std::future::Future;

use futures_util::StreamExt;
use serde::Serialize;

use crate::error::{Error, ErrorBody};
use crate::failure::PaginationError;
use crate::pagination::ItemStream;

/// Search refuses `offset + limit` beyond this; `searchAfter` pages past it.
pub const SEARCH_WINDOW: u32 = 10_000;
/// The largest `limit` search accepts.
pub const MAX_SEARCH_PAGE_SIZE: u32 = 10_000;
/// The page size when the caller sets none: search's own default.
pub const DEFAULT_SEARCH_PAGE_SIZE: u32 = 250;

/// One page to fetch: put `offset` and `limit` in the query, `sort` and `search_after` in the
/// body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPage {
    /// `Some` while paging by offset; `None` once paging by `searchAfter`.
    pub offset: Option<u32>,
    /// The page size.
    pub limit: u32,
    /// The sort, ending in `id`.
    pub sort: Vec<String>,
    /// The sort values of the last record of the previous page.
    pub search_after: Option<Vec<String>>,
}

/// Where a search starts and how much of it to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchOptions {
    /// Records per request, clamped to `1..=10000`.
    pub page_size: u32,
    /// The offset of the first record (paging switches to `searchAfter` at the window's end).
    pub start_offset: u32,
    /// Stop after this many records; `None` reads to the end.
    pub max_items: Option<u64>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        Self {
            page_size: DEFAULT_SEARCH_PAGE_SIZE,
            start_offset: 0,
            max_items: None,
        }
    }
}

/// The caller's sort with `id` appended unless it already sorts by `id` (in either direction):
/// `id` is unique, so the sort is total and a `searchAfter` value names exactly one record.
pub fn search_sort(sort: Option<&[String]>) -> Vec<String> {
    let mut sort: Vec<String> = sort.unwrap_or_default().to_vec();
    if !sort.iter().any(|field| sort_field(field) == "id") {
        sort.push("id".to_owned());
    }
    sort
}

/// The field of a sort entry: `-created` → `created`.
fn sort_field(entry: &str) -> &str {
    entry.trim().trim_start_matches(['+', '-'])
}

/// The position after a page: paged by offset, or after the sort values of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cursor {
    Offset(u32),
    After(Vec<String>),
}

/// What follows a page of `received` records asked for with `limit` at `cursor`: `None` at the
/// end (a short page); the next offset while a whole page still fits in the window; else
/// `searchAfter` from the last record's sort values (`last`, computed only then). A
/// `searchAfter` that does not move is an error, not an endless loop.
pub(crate) fn next_cursor(
    cursor: &Cursor,
    received: usize,
    limit: u32,
    page_size: u32,
    last: impl FnOnce() -> Result<Vec<String>, String>,
) -> Option<Result<Cursor, String>> {
    if received < limit as usize || received == 0 {
        return None;
    }
    if let Cursor::Offset(offset) = cursor {
        let next = offset.saturating_add(limit);
        if next.saturating_add(page_size) <= SEARCH_WINDOW {
            return Some(Ok(Cursor::Offset(next)));
        }
    }
    Some(last().and_then(|values| match cursor {
        Cursor::After(previous) if *previous == values => Err(format!(
            "the page after {values:?} ended with the same sort values; the server seems to ignore `searchAfter`"
        )),
        _ => Ok(Cursor::After(values)),
    }))
}

/// The values of `sort`'s fields in `record`, as `searchAfter` takes them: strings as they
/// are, other values in their JSON form. A dotted field (`manager.name`) is looked up by path.
pub(crate) fn sort_values<T: Serialize>(
    record: &T,
    sort: &[String],
) -> Result<Vec<String>, String> {
    let value = serde_json::to_value(record)
        .map_err(|e| format!("cannot read the sort values of a record: {e}"))?;
    sort.iter()
        .map(|entry| {
            let field = sort_field(entry);
            let found = field
                .split('.')
                .try_fold(&value, |value, key| value.get(key))
                .ok_or_else(|| {
                    format!("a record has no `{field}`, so searchAfter cannot continue after it; sort by fields every record has")
                })?;
            Ok(match found {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        })
        .collect()
}

struct Searcher<F> {
    fetch: F,
    sort: Vec<String>,
    cursor: Cursor,
    page_size: u32,
    remaining: Option<u64>,
    /// Records yielded so far, for error messages.
    read: u64,
    done: bool,
}

/// Every record of a search, page by page as the stream is read. `fetch` gets each page to
/// ask for; `sort` is the caller's sort (see [`search_sort`]). Only the current page is held.
/// An error ends the stream after it is yielded.
pub fn search_stream<T, E, F, Fut>(
    options: SearchOptions,
    sort: Option<&[String]>,
    fetch: F,
) -> ItemStream<T, E>
where
    T: Serialize + Send + 'static,
    E: ErrorBody,
    F: FnMut(SearchPage) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<T>, Error<E>>> + Send + 'static,
{
    let page_size = options.page_size.clamp(1, MAX_SEARCH_PAGE_SIZE);
    let searcher = Searcher {
        fetch,
        sort: search_sort(sort),
        cursor: if options.start_offset.saturating_add(page_size) <= SEARCH_WINDOW {
            Cursor::Offset(options.start_offset)
        } else {
            // No page fits in the window from there; the caller's offset cannot be honoured.
            Cursor::Offset(SEARCH_WINDOW)
        },
        page_size,
        remaining: options.max_items,
        read: 0,
        done: false,
    };
    let pages = futures_util::stream::unfold(searcher, |mut searcher| async move {
        let page = next_page(&mut searcher).await?;
        Some((futures_util::stream::iter(page), searcher))
    });
    Box::pin(pages.flatten())
}

async fn next_page<T, E, F, Fut>(s: &mut Searcher<F>) -> Option<Vec<Result<T, Error<E>>>>
where
    T: Serialize,
    E: ErrorBody,
    F: FnMut(SearchPage) -> Fut,
    Fut: Future<Output = Result<Vec<T>, Error<E>>>,
{
    if s.done || s.remaining == Some(0) {
        return None;
    }
    let page = match &s.cursor {
        Cursor::Offset(offset) if *offset >= SEARCH_WINDOW => {
            s.done = true;
            return Some(vec![Err(Error::Pagination(PaginationError::new(
                *offset,
                format!("search cannot start at offset {offset}: offset and limit together must stay within {SEARCH_WINDOW}"),
            )))]);
        }
        Cursor::Offset(offset) => SearchPage {
            offset: Some(*offset),
            limit: s.page_size,
            sort: s.sort.clone(),
            search_after: None,
        },
        Cursor::After(values) => SearchPage {
            offset: None,
            limit: s.page_size,
            sort: s.sort.clone(),
            search_after: Some(values.clone()),
        },
    };
    let limit = page.limit;
    let mut records = match (s.fetch)(page).await {
        Ok(records) => records,
        Err(e) => {
            s.done = true;
            return Some(vec![Err(e)]);
        }
    };
    let sort = &s.sort;
    let next = next_cursor(&s.cursor, records.len(), limit, s.page_size, || {
        records
            .last()
            .map_or_else(|| Err("an empty page".to_owned()), |r| sort_values(r, sort))
    });
    let mut out: Vec<Result<T, Error<E>>> = Vec::with_capacity(records.len() + 1);
    if let Some(left) = s.remaining.as_mut() {
        records.truncate(usize::try_from(*left).unwrap_or(usize::MAX));
        *left -= records.len() as u64;
    }
    s.read += records.len() as u64;
    out.extend(records.into_iter().map(Ok));
    match next {
        None => s.done = true,
        Some(Ok(cursor)) => s.cursor = cursor,
        Some(Err(reason)) => {
            s.done = true;
            let at = u32::try_from(s.read).unwrap_or(u32::MAX);
            out.push(Err(Error::Pagination(PaginationError::new(at, reason))));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_sort_always_ends_in_id() {
        assert_eq!(search_sort(None), strings(&["id"]));
        assert_eq!(
            search_sort(Some(&strings(&["-name"]))),
            strings(&["-name", "id"])
        );
        assert_eq!(
            search_sort(Some(&strings(&["-id", "name"]))),
            strings(&["-id", "name"])
        );
        assert_eq!(
            search_sort(Some(&strings(&["identity.id"]))),
            strings(&["identity.id", "id"])
        );
    }

    #[test]
    fn next_cursor_case_by_case() {
        let values = || Ok(strings(&["Smith", "42"]));
        let after = Cursor::After(strings(&["Smith", "42"]));
        // A short or empty page ends the search.
        assert_eq!(next_cursor(&Cursor::Offset(0), 10, 250, 250, values), None);
        assert_eq!(next_cursor(&Cursor::Offset(0), 0, 0, 250, values), None);
        assert_eq!(next_cursor(&after, 3, 250, 250, values), None);
        // Offset paging while a whole page fits within 10,000.
        assert_eq!(
            next_cursor(&Cursor::Offset(0), 250, 250, 250, values),
            Some(Ok(Cursor::Offset(250)))
        );
        assert_eq!(
            next_cursor(&Cursor::Offset(9500), 250, 250, 250, values),
            Some(Ok(Cursor::Offset(9750)))
        );
        // The page that would pass the window switches to searchAfter.
        assert_eq!(
            next_cursor(&Cursor::Offset(9750), 250, 250, 250, values),
            Some(Ok(after.clone()))
        );
        assert_eq!(
            next_cursor(&Cursor::Offset(0), 10_000, 10_000, 10_000, values),
            Some(Ok(after.clone()))
        );
        // searchAfter moves on, and a cursor that does not move is an error.
        let moved = Cursor::After(strings(&["Smith", "41"]));
        assert_eq!(
            next_cursor(&moved, 250, 250, 250, values),
            Some(Ok(after.clone()))
        );
        assert!(matches!(
            next_cursor(&after, 250, 250, 250, values),
            Some(Err(m)) if m.contains("ignore `searchAfter`")
        ));
        // A record without a sort field is reported.
        assert!(matches!(
            next_cursor(&after, 250, 250, 250, || Err("no `name`".to_owned())),
            Some(Err(m)) if m == "no `name`"
        ));
    }

    #[test]
    fn sort_values_follow_paths_and_keep_strings_bare() {
        let record = serde_json::json!({
            "id": "2c9", "name": "Ann", "created": 17, "manager": {"name": "Bo"}
        });
        assert_eq!(
            sort_values(
                &record,
                &strings(&["-name", "+created", "manager.name", "id"])
            )
            .unwrap(),
            strings(&["Ann", "17", "Bo", "2c9"])
        );
        let err = sort_values(&record, &strings(&["department"])).unwrap_err();
        assert!(err.contains("no `department`"), "{err}");
    }
}
