import LinkscopeCostModel
import LinkscopeSchedule

extension Emitter {
    /// Double binary tree all-reduce (NCCL ≥ 2.4; docs/cost-model.md §8): two complementary binary trees (NCCL's
    /// `ncclGetDtree` construction) each reduce-and-broadcast half of the buffer, pipelined by chunk,
    /// tagged channel 0 and 1.
    mutating func compileDoubleBinaryTreeAllReduce() throws(CollectiveError) {
        let (p0, p1) = RankTree.doubleBinaryTreeParents(ranks: ranks)
        let halves = Traffic.evenSplit(request.bytes, parts: 2)
        treeAllReduce(try RankTree(parent: p0), bytes: halves[0], channel: 0)
        treeAllReduce(try RankTree(parent: p1), bytes: halves[1], channel: 1)
    }
}
