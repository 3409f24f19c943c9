//! Call trees (EWASM.md section 4.2): a top-level `execute` and every contract it calls on
//! the same VM instance, directly or through the host, in the same thread share one
//! [`MemoryBudget`]. The first `execute` of a VM on a thread starts the tree; nested ones
//! join it; the tree ends when the top-level `execute` returns (or unwinds), so the next
//! transaction starts with the whole budget. Other threads and other VM instances have
//! trees of their own.

use std::cell::RefCell;

use crate::engine::MemoryBudget;

thread_local! {
    /// The live trees of this thread: (VM key, budget). Nested VMs of different instances
    /// are rare, so a short list is enough.
    static TREES: RefCell<Vec<(usize, MemoryBudget)>> = const { RefCell::new(Vec::new()) };
}

/// Membership of one `execute` in the call tree of its VM on this thread. The member that
/// started the tree ends it when dropped.
#[derive(Debug)]
pub struct TreeMember {
    key: usize,
    budget: MemoryBudget,
    root: bool,
}

impl TreeMember {
    /// Joins the tree of VM `key` on this thread, or starts one with a budget of
    /// `limit_pages` pages.
    pub fn join(key: usize, limit_pages: u32) -> TreeMember {
        TREES.with(|trees| {
            let mut trees = trees.borrow_mut();
            if let Some((_, budget)) = trees.iter().find(|(k, _)| *k == key) {
                return TreeMember {
                    key,
                    budget: budget.clone(),
                    root: false,
                };
            }
            let budget = MemoryBudget::new(u64::from(limit_pages));
            trees.push((key, budget.clone()));
            TreeMember {
                key,
                budget,
                root: true,
            }
        })
    }

    /// The tree's budget.
    pub fn budget(&self) -> &MemoryBudget {
        &self.budget
    }

    /// True if this member started the tree.
    pub fn is_root(&self) -> bool {
        self.root
    }
}

impl Drop for TreeMember {
    fn drop(&mut self) {
        if self.root {
            // `try_with`: during thread teardown the list may be gone already.
            let _ = TREES.try_with(|trees| {
                if let Ok(mut trees) = trees.try_borrow_mut() {
                    trees.retain(|(k, _)| *k != self.key);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_members_share_the_root_budget_until_it_ends() {
        let root = TreeMember::join(1, 10);
        assert!(root.is_root());
        let nested = TreeMember::join(1, 99);
        assert!(!nested.is_root());
        assert!(nested.budget().take(7));
        assert_eq!(root.budget().used_pages(), 7);
        assert_eq!(nested.budget().limit_pages(), 10, "the root's limit");
        // Another VM on the same thread has its own tree.
        let other = TreeMember::join(2, 5);
        assert!(other.is_root());
        assert_eq!(other.budget().used_pages(), 0);
        drop(nested);
        drop(root);
        // The next call of VM 1 starts a new tree.
        let next = TreeMember::join(1, 10);
        assert!(next.is_root());
        assert_eq!(next.budget().used_pages(), 0);
    }

    #[test]
    fn other_threads_have_their_own_tree() {
        let root = TreeMember::join(3, 10);
        assert!(root.budget().take(10));
        let other = std::thread::spawn(|| {
            let member = TreeMember::join(3, 10);
            (member.is_root(), member.budget().used_pages())
        })
        .join()
        .expect("thread runs");
        assert_eq!(other, (true, 0));
    }
}
