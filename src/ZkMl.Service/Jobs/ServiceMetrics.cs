using Prometheus;

namespace ZkMl.Service.Jobs;

/// <summary>
/// Prometheus metrics of one host, in its own registry (several hosts may share a process in tests):
/// jobs per state (read from the store at scrape time, so they survive restarts), completions and
/// failures since start, and prover seconds by stage.
/// </summary>
public sealed class ServiceMetrics
{
    /// <summary>The registry served at /metrics.</summary>
    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    private readonly Gauge _jobs;
    private readonly Counter _finished;
    private readonly Histogram _stageSeconds;
    private readonly Counter _rejected;

    /// <summary>Creates the collectors.</summary>
    public ServiceMetrics()
    {
        var f = Metrics.WithCustomRegistry(Registry);
        _jobs = f.CreateGauge("zkml_jobs", "Jobs in the store by state", new GaugeConfiguration { LabelNames = ["state"] });
        _finished = f.CreateCounter("zkml_jobs_finished_total", "Jobs that reached a terminal state since the host started", new CounterConfiguration { LabelNames = ["state"] });
        _rejected = f.CreateCounter("zkml_jobs_rejected_total", "Job submissions refused with 429 (queue full) since start");
        _stageSeconds = f.CreateHistogram("zkml_prove_stage_seconds", "Prover wall-clock seconds by stage", new HistogramConfiguration
        {
            LabelNames = ["stage"],
            Buckets = Histogram.ExponentialBuckets(0.001, 4, 10),
        });
    }

    /// <summary>Sets the per-state gauge from store counts (called before each scrape).</summary>
    public void SetStates(IReadOnlyDictionary<string, long> counts)
    {
        foreach (var (state, n) in counts) _jobs.WithLabels(state).Set(n);
    }

    /// <summary>Counts a job that ended in <paramref name="state"/>.</summary>
    public void Finished(string state) => _finished.WithLabels(state).Inc();

    /// <summary>Counts a 429.</summary>
    public void Rejected() => _rejected.Inc();

    /// <summary>Records one prover stage.</summary>
    public void Stage(string stage, TimeSpan t) => _stageSeconds.WithLabels(stage).Observe(t.TotalSeconds);
}
