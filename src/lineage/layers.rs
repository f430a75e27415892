//! The layered graph behind a diagram (the first half of a Sugiyama layout): cycles broken,
//! boxes ranked by longest path, every edge turned into a chain of virtual nodes (its label,
//! bend points of long edges) with one on each layer it crosses, and the nodes of each layer
//! ordered by a fixed number of barycenter sweeps to reduce crossings.
//!
//! Boxes sit on even layers and labels on the odd layers between them, so a label is a node
//! of its own layer: the placement keeps it clear of other labels and of edges as it keeps
//! boxes apart. Every step is a pure function of the input in a fixed order (no hashing, no
//! time budget), so the same diagram always comes out the same.

use std::collections::{BTreeMap, VecDeque};

/// Barycenter sweeps (down and up alternately) from each of two starts; the best ordering
/// seen is kept.
const SWEEPS: usize = 12;
/// Passes of adjacent swaps after each sweep.
const TRANSPOSE_PASSES: usize = 2;

/// What a node of the layered graph stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A box of the diagram, by its index in the spec.
    Box(usize),
    /// The label of one or more edges (edges from one box with the same label share it).
    Label,
    /// Where an edge crosses a layer without a label.
    Bend,
}

/// A node of the layered graph, sized along the flow (`thickness`) and across it (`breadth`).
#[derive(Debug, Clone)]
pub struct VNode {
    pub kind: Kind,
    pub layer: usize,
    pub thickness: f64,
    pub breadth: f64,
}

/// An edge to lay out: its ends (box indexes) and its label's size along and across the flow.
#[derive(Debug, Clone)]
pub struct EdgeIn {
    pub from: usize,
    pub to: usize,
    pub label: String,
    pub label_size: (f64, f64),
}

/// One edge through the layered graph: its virtual nodes from the upper box (lower layer) to
/// the lower one, and whether it runs against the flow (it closed a cycle).
#[derive(Debug, Clone)]
pub struct Chain {
    pub nodes: Vec<usize>,
    pub reversed: bool,
    /// The label node this edge draws its label at (only the first edge of a shared label).
    pub label: Option<usize>,
}

pub struct Layered {
    pub nodes: Vec<VNode>,
    /// Node ids of each layer, in drawing order.
    pub layers: Vec<Vec<usize>>,
    /// Per spec edge; `None` for an edge from a box to itself, which is not drawn.
    pub chains: Vec<Option<Chain>>,
    /// Neighbours of each node in the layer above and the layer below, one entry per edge
    /// segment (a shared label counts each edge through it).
    pub above: Vec<Vec<usize>>,
    pub below: Vec<Vec<usize>>,
}

/// Builds and orders the layered graph of boxes with the given sizes along and across the flow.
pub fn build(boxes: &[(f64, f64)], edges: &[EdgeIn]) -> Layered {
    let (rank, reversed) = rank(boxes.len(), edges);
    let mut g = Layered {
        nodes: Vec::new(),
        layers: Vec::new(),
        chains: Vec::new(),
        above: Vec::new(),
        below: Vec::new(),
    };
    for (i, (t, b)) in boxes.iter().enumerate() {
        g.push(VNode {
            kind: Kind::Box(i),
            layer: 2 * rank[i],
            thickness: *t,
            breadth: *b,
        });
    }
    let mut shared: BTreeMap<(usize, usize, &str), usize> = BTreeMap::new();
    for (i, e) in edges.iter().enumerate() {
        if e.from == e.to {
            g.chains.push(None);
            continue;
        }
        let rev = reversed[i];
        let (a, b) = if rev { (e.to, e.from) } else { (e.from, e.to) };
        // The label sits next to the producer: a contract is what its producer outputs, and
        // consumers of one contract then share one label that fans out below it.
        let label_layer = if rev { 2 * rank[b] - 1 } else { 2 * rank[a] + 1 };
        let mut chain = vec![a];
        let mut own_label = None;
        for layer in 2 * rank[a] + 1..2 * rank[b] {
            let id = if layer == label_layer && !e.label.is_empty() {
                let key = (e.from, layer, e.label.as_str());
                match shared.get(&key) {
                    Some(id) => *id,
                    None => {
                        let id = g.push(VNode {
                            kind: Kind::Label,
                            layer,
                            thickness: e.label_size.0,
                            breadth: e.label_size.1,
                        });
                        shared.insert(key, id);
                        own_label = Some(id);
                        id
                    }
                }
            } else {
                g.push(VNode {
                    kind: Kind::Bend,
                    layer,
                    thickness: 0.0,
                    breadth: 0.0,
                })
            };
            chain.push(id);
        }
        chain.push(b);
        g.chains.push(Some(Chain {
            nodes: chain,
            reversed: rev,
            label: own_label,
        }));
    }
    g.link();
    g.order();
    g
}

impl Layered {
    fn push(&mut self, n: VNode) -> usize {
        if self.layers.len() <= n.layer {
            self.layers.resize(n.layer + 1, Vec::new());
        }
        let id = self.nodes.len();
        self.layers[n.layer].push(id);
        self.nodes.push(n);
        id
    }

    fn link(&mut self) {
        self.above = vec![Vec::new(); self.nodes.len()];
        self.below = vec![Vec::new(); self.nodes.len()];
        for chain in self.chains.iter().flatten() {
            for w in chain.nodes.windows(2) {
                self.below[w[0]].push(w[1]);
                self.above[w[1]].push(w[0]);
            }
        }
    }

    /// Sweeps from the order the nodes were given in and from its mirror image (sweeps settle
    /// in a local optimum, and which one depends on where they start); keeps the ordering with
    /// the fewest crossings, the first such on a tie, so it depends on nothing but the input.
    fn order(&mut self) {
        let given = self.layers.clone();
        let (crossings, ordered) = self.sweep();
        if crossings == 0 {
            return;
        }
        self.layers = given.into_iter().map(|l| l.into_iter().rev().collect()).collect();
        let (mirrored, _) = self.sweep();
        if mirrored >= crossings {
            self.layers = ordered;
        }
    }

    /// Alternating barycenter sweeps with adjacent swaps from the current order; leaves the
    /// ordering with the fewest crossings seen in place and returns its count and a copy.
    fn sweep(&mut self) -> (usize, Vec<Vec<usize>>) {
        let mut pos = positions(&self.layers, self.nodes.len());
        let mut best = (self.crossings(&pos), self.layers.clone());
        for sweep in 0..SWEEPS {
            let down = sweep % 2 == 0;
            let range: Vec<usize> = if down {
                (1..self.layers.len()).collect()
            } else {
                (0..self.layers.len().saturating_sub(1)).rev().collect()
            };
            for l in range {
                let fixed = if down { &self.above } else { &self.below };
                let mut keyed: Vec<(f64, usize)> = self.layers[l]
                    .iter()
                    .map(|&v| (barycenter(&fixed[v], &pos).unwrap_or(pos[v] as f64), v))
                    .collect();
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
                self.layers[l] = keyed.into_iter().map(|(_, v)| v).collect();
                for (i, v) in self.layers[l].iter().enumerate() {
                    pos[*v] = i;
                }
            }
            self.transpose(&mut pos);
            let crossings = self.crossings(&pos);
            if crossings < best.0 {
                best = (crossings, self.layers.clone());
            }
            if best.0 == 0 {
                break;
            }
        }
        self.layers = best.1.clone();
        best
    }

    /// Swaps neighbours in a layer while that removes crossings with both adjacent layers.
    fn transpose(&mut self, pos: &mut [usize]) {
        for _ in 0..TRANSPOSE_PASSES {
            let mut improved = false;
            for l in 0..self.layers.len() {
                for i in 1..self.layers[l].len() {
                    let (u, w) = (self.layers[l][i - 1], self.layers[l][i]);
                    let now = pair_crossings(&self.above[u], &self.above[w], pos)
                        + pair_crossings(&self.below[u], &self.below[w], pos);
                    let swapped = pair_crossings(&self.above[w], &self.above[u], pos)
                        + pair_crossings(&self.below[w], &self.below[u], pos);
                    if swapped < now {
                        self.layers[l].swap(i - 1, i);
                        pos[u] = i;
                        pos[w] = i - 1;
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// Edge crossings between all pairs of adjacent layers.
    fn crossings(&self, pos: &[usize]) -> usize {
        (0..self.layers.len().saturating_sub(1))
            .map(|l| {
                let mut segments: Vec<(usize, usize)> = self.layers[l]
                    .iter()
                    .flat_map(|&u| self.below[u].iter().map(move |&w| (pos[u], pos[w])))
                    .collect();
                segments.sort_unstable();
                inversions(segments.into_iter().map(|(_, w)| w).collect(), self.layers[l + 1].len())
            })
            .sum()
    }
}

fn positions(layers: &[Vec<usize>], n: usize) -> Vec<usize> {
    let mut pos = vec![0; n];
    for layer in layers {
        for (i, v) in layer.iter().enumerate() {
            pos[*v] = i;
        }
    }
    pos
}

fn barycenter(neighbours: &[usize], pos: &[usize]) -> Option<f64> {
    if neighbours.is_empty() {
        return None;
    }
    Some(neighbours.iter().map(|n| pos[*n] as f64).sum::<f64>() / neighbours.len() as f64)
}

/// Crossings between the edges of `u` and those of `w` (to one adjacent layer) with `u` left of `w`.
fn pair_crossings(u: &[usize], w: &[usize], pos: &[usize]) -> usize {
    u.iter().map(|a| w.iter().filter(|b| pos[**b] < pos[*a]).count()).sum()
}

/// Pairs out of order in `seq` (values below `size`), by a Fenwick tree: O(n log size).
fn inversions(seq: Vec<usize>, size: usize) -> usize {
    let mut tree = vec![0usize; size + 1];
    let mut count = 0;
    for (seen, v) in seq.into_iter().enumerate() {
        // Entries so far that are at most v; the rest are greater, so out of order.
        let (mut i, mut le) = (v + 1, 0);
        while i > 0 {
            le += tree[i];
            i &= i - 1;
        }
        count += seen - le;
        let mut i = v + 1;
        while i <= size {
            tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    count
}

/// Rank of each box (longest path from the sources, sources then pulled down next to their
/// first consumer) and which edges are reversed to break cycles (those closing a cycle in a
/// depth-first walk in index order). Edges from a box to itself are ignored.
fn rank(n: usize, edges: &[EdgeIn]) -> (Vec<usize>, Vec<bool>) {
    let reversed = back_edges(n, edges);
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for (i, e) in edges.iter().enumerate() {
        if e.from == e.to {
            continue;
        }
        let (a, b) = if reversed[i] { (e.to, e.from) } else { (e.from, e.to) };
        out[a].push(b);
        indegree[b] += 1;
    }
    let has_in: Vec<bool> = indegree.iter().map(|d| *d > 0).collect();
    let mut queue: VecDeque<usize> = (0..n).filter(|v| indegree[*v] == 0).collect();
    let mut topo = Vec::with_capacity(n);
    let mut rank = vec![0usize; n];
    while let Some(v) = queue.pop_front() {
        topo.push(v);
        for &w in &out[v] {
            rank[w] = rank[w].max(rank[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                queue.push_back(w);
            }
        }
    }
    // A source is drawn just above its nearest consumer, not at the top of the diagram.
    for &v in topo.iter().rev() {
        if !has_in[v] {
            if let Some(min) = out[v].iter().map(|w| rank[*w]).min() {
                rank[v] = min - 1;
            }
        }
    }
    let lowest = rank.iter().copied().min().unwrap_or(0);
    rank.iter_mut().for_each(|r| *r -= lowest);
    (rank, reversed)
}

/// Edges that point back to a box on the current path of a depth-first walk: reversing them
/// leaves the graph acyclic.
fn back_edges(n: usize, edges: &[EdgeIn]) -> Vec<bool> {
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (i, e) in edges.iter().enumerate() {
        if e.from != e.to {
            out[e.from].push((e.to, i));
        }
    }
    // 0 unvisited, 1 on the path, 2 done
    let mut state = vec![0u8; n];
    let mut reversed = vec![false; edges.len()];
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some((v, next)) = stack.last_mut() {
            let v = *v;
            if let Some(&(w, i)) = out[v].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => reversed[i] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    reversed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(from: usize, to: usize) -> EdgeIn {
        EdgeIn {
            from,
            to,
            label: String::new(),
            label_size: (0.0, 0.0),
        }
    }

    #[test]
    fn ranks_follow_the_longest_path_and_sources_sit_above_their_consumer() {
        // 0 → 1 → 2 → 3, and a source 4 feeding 3 directly.
        let (rank, rev) = rank(5, &[e(0, 1), e(1, 2), e(2, 3), e(4, 3)]);
        assert_eq!(rank, [0, 1, 2, 3, 2]);
        assert!(rev.iter().all(|r| !r));
    }

    #[test]
    fn a_cycle_reverses_one_edge() {
        let (rank, rev) = rank(3, &[e(0, 1), e(1, 2), e(2, 0)]);
        assert_eq!(rev, [false, false, true]);
        assert_eq!(rank, [0, 1, 2]);
    }

    #[test]
    fn inversions_are_counted() {
        assert_eq!(inversions(vec![0, 1, 2], 3), 0);
        assert_eq!(inversions(vec![2, 1, 0], 3), 3);
        assert_eq!(inversions(vec![1, 0, 1, 0], 2), 3);
    }

    #[test]
    fn sweeps_untangle_a_crossed_pair() {
        // 0 → 3 and 1 → 2: in index order the two edges cross.
        let g = build(&[(30.0, 100.0); 4], &[e(0, 3), e(1, 2)]);
        let pos = positions(&g.layers, g.nodes.len());
        assert_eq!(g.crossings(&pos), 0);
    }

    #[test]
    fn edges_with_one_label_from_one_producer_share_it() {
        let label = |from, to| EdgeIn {
            from,
            to,
            label: "orders v1".into(),
            label_size: (17.0, 60.0),
        };
        let g = build(&[(30.0, 100.0); 3], &[label(0, 1), label(0, 2)]);
        let chains: Vec<&Chain> = g.chains.iter().flatten().collect();
        assert_eq!(chains[0].nodes[1], chains[1].nodes[1], "one label node");
        assert!(chains[0].label.is_some() && chains[1].label.is_none(), "drawn once");
    }
}
