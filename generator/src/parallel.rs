//! Splitting work between the machine's cores, shared by rendering and writing.

/// Runs `work` on consecutive shares of `items`, one thread per available core (at most 8),
/// and returns each share's result in the order of `items`, or `None` for a share whose thread
/// panicked. Each share is worked on alone, so the results do not depend on the number of
/// threads.
pub(crate) fn by_shares<'i, T: Sync, R: Send>(
    items: &'i [T],
    work: impl Fn(&'i [T]) -> R + Sync,
) -> Vec<Option<R>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8);
    let share = items.len().div_ceil(threads).max(1);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(share)
            .map(|chunk| scope.spawn(move || work(chunk)))
            .collect();
        handles.into_iter().map(|h| h.join().ok()).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::by_shares;

    #[test]
    fn shares_come_back_in_order_and_cover_every_item() {
        let items: Vec<u32> = (0..1001).collect();
        let sums = by_shares(&items, |share| share.to_vec());
        let joined: Vec<u32> = sums.into_iter().flat_map(Option::unwrap).collect();
        assert_eq!(joined, items);
        assert!(by_shares(&[] as &[u32], |share| share.len()).is_empty());
    }
}
