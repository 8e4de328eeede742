import LinkscopeCostModel
import LinkscopeScenario

/// Where each rank of a data × tensor × pipeline job sits, and which layers each model chunk holds.
/// Ranks are numbered tensor-fastest, then pipeline, then data (docs/cost-model.md §15: tensor groups inside a
/// node, data parallelism across them): rank = t + T·(p + P·d), GPU = the job's `gpus[rank]`.
struct ParallelLayout {
    let data: Int
    let tensor: Int
    let pipeline: Int
    let virtual: Int
    let gpus: [Int]
    /// Layer ranges of model chunks 0..<pipeline·virtual; chunk c lives on stage c mod pipeline.
    let chunks: [Range<Int>]

    init(parallelism p: Parallelism, jobGPUs: [Int], model: ModelDescription) {
        data = p.data
        tensor = p.tensor
        pipeline = p.pipeline
        virtual = p.virtualStages
        gpus = Array(jobGPUs.prefix(p.data * p.tensor * p.pipeline))
        let count = p.pipeline * p.virtualStages
        let sizes = p.split ?? PipelineOrder.balance(model.layers.map { max($0.forwardFLOPs, 0) }, parts: count)
        var ranges: [Range<Int>] = []
        var start = 0
        for s in sizes {
            ranges.append(start..<(start + s))
            start += s
        }
        chunks = ranges
    }

    func gpu(replica d: Int, stage p: Int, rank t: Int) -> Int { gpus[t + tensor * (p + pipeline * d)] }
    func stage(ofChunk c: Int) -> Int { c % pipeline }
    /// Chunks held by stage `p`.
    func chunks(ofStage p: Int) -> [Int] { (0..<virtual).map { $0 * pipeline + p } }
    /// The tensor group (GPU numbers) of replica d, stage p.
    func tensorGroup(replica d: Int, stage p: Int) -> [Int] { (0..<tensor).map { gpu(replica: d, stage: p, rank: $0) } }
    /// The data-parallel group of stage p, tensor rank t.
    func dataGroup(stage p: Int, rank t: Int) -> [Int] { (0..<data).map { gpu(replica: $0, stage: p, rank: t) } }
    var isTransformerBlock: (Int, ModelDescription) -> Bool {
        { l, m in m.transformer != nil && l > 0 && l < m.layers.count - 1 }
    }

    /// Parameters one GPU of stage p holds (tensor-parallel layers split t ways). With tied embeddings
    /// the stage holding the output layer but not the input embedding keeps its own copy of the word
    /// embedding for the logits, as Megatron-LM does.
    /// With `frozen` > 0, only the trainable parameters (layers from `frozen` on).
    func parameters(stage p: Int, model: ModelDescription, frozen: Int = 0) -> Int64 {
        let t = Int64(model.transformer != nil ? tensor : 1)
        let all = chunks(ofStage: p).flatMap { Array(chunks[$0]) }
        let held = all.filter { $0 >= frozen }
        var total = held.reduce(Int64(0)) { $0 + (model.layers[$1].parameters + t - 1) / t }
        if let m = model.transformer, m.tiedEmbeddings, held.contains(model.layers.count - 1), !all.contains(0) {
            total += (Int64(m.vocab) * Int64(m.hidden) + t - 1) / t
        }
        return total
    }
}
