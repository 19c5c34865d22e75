//! Splitting work between the machine's cores, shared by loading, rendering and writing.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The threads to use: one per available core, at most 8.
fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8)
}

/// Runs `work` on consecutive shares of `items`, one thread per available core (at most 8),
/// and returns each share's result in the order of `items`, or `None` for a share whose thread
/// panicked. Each share is worked on alone, so the results do not depend on the number of
/// threads.
pub(crate) fn by_shares<'i, T: Sync, R: Send>(
    items: &'i [T],
    work: impl Fn(&'i [T]) -> R + Sync,
) -> Vec<Option<R>> {
    let share = items.len().div_ceil(threads()).max(1);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(share)
            .map(|chunk| scope.spawn(move || work(chunk)))
            .collect();
        handles.into_iter().map(|h| h.join().ok()).collect()
    })
}

/// `work` applied to every item, the results in the order of `items`; `None` for the items a
/// thread that panicked had taken. Threads take the next item as they finish one, so a few
/// large items (files of very different sizes) do not leave a core idle.
pub(crate) fn map<'i, T: Sync, R: Send>(
    items: &'i [T],
    work: impl Fn(&'i T) -> R + Sync,
) -> Vec<Option<R>> {
    if items.len() < 2 {
        return items.iter().map(|item| Some(work(item))).collect();
    }
    let (next, work) = (AtomicUsize::new(0), &work);
    let done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads().min(items.len()))
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return done;
                        };
                        done.push((i, work(item)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut results: Vec<Option<R>> = items.iter().map(|_| None).collect();
    for (i, result) in done {
        results[i] = Some(result);
    }
    results
}

#[cfg(test)]
mod tests {
    use super::{by_shares, map};

    #[test]
    fn mapped_items_come_back_in_order() {
        let items: Vec<u64> = (0..1001).collect();
        let squares: Vec<u64> = map(&items, |i| i * i)
            .into_iter()
            .map(Option::unwrap)
            .collect();
        assert_eq!(squares, items.iter().map(|i| i * i).collect::<Vec<_>>());
        assert!(map(&[] as &[u64], |i| *i).is_empty());
        assert_eq!(map(&[7u64], |i| i + 1), [Some(8)]);
    }

    #[test]
    fn shares_come_back_in_order_and_cover_every_item() {
        let items: Vec<u32> = (0..1001).collect();
        let sums = by_shares(&items, |share| share.to_vec());
        let joined: Vec<u32> = sums.into_iter().flat_map(Option::unwrap).collect();
        assert_eq!(joined, items);
        assert!(by_shares(&[] as &[u32], |share| share.len()).is_empty());
    }
}
