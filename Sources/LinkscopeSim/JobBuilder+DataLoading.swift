import LinkscopeSchedule

extension JobBuilder {
    /// Loading iteration `it`'s global batch through the job's input pipeline (`data_loading`): one delay
    /// after the previous load, so the next batch prefetches while this one trains and the iteration can
    /// never beat the loader (book ch1: throughput = min(load, N × train)). Nil without `data_loading`.
    func dataLoad(after previous: TaskID?, iteration it: Int, job: inout Job) -> TaskID? {
        guard let t = scenario.training, let loading = t.dataLoading else { return nil }
        return job.schedule.add(.delay(seconds: loading.seconds(samples: t.globalBatch)),
                                tag: TaskTag(step: Int32(it)), after: previous.map { [$0] } ?? [])
    }
}
