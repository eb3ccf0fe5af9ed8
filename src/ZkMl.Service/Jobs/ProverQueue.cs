using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZkMl.Compiler;
using ZkMl.Compiler.Model;
using ZkMl.Inference;

namespace ZkMl.Service.Jobs;

/// <summary>
/// The proving workers: a queue of accepted job ids drained by <see cref="ServiceOptions.Concurrency"/>
/// workers. Proving is CPU-bound and runs on thread-pool threads off the request path; each job has a
/// timeout and a cancellation source (DELETE) checked between prover stages; a stopping host puts a
/// running job back to queued, and the next start resumes every queued job (<see cref="JobStore.Recover"/>).
/// Every proof is verified before it is stored.
/// </summary>
public sealed class ProverQueue(ServiceOptions options, JobStore store, CircuitRegistry circuits, ServiceMetrics metrics, ILogger<ProverQueue> log) : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    /// <summary>The proof file of a job.</summary>
    public string ProofPath(string jobId) => Path.Combine(options.DataDir, "proofs", jobId + ".proof");

    /// <summary>Hands an accepted (stored, queued) job to the workers.</summary>
    public void Enqueue(string jobId) => _queue.Writer.TryWrite(jobId);

    /// <summary>Asks a running job to stop; true when it was running here.</summary>
    public bool CancelRunning(string jobId)
    {
        if (!_running.TryGetValue(jobId, out var cts)) return false;
        try { cts.Cancel(); } catch (ObjectDisposedException) { return false; }
        return true;
    }

    /// <summary>Waits until the job is terminal or <paramref name="timeout"/> passes; returns the latest row.</summary>
    public async Task<JobRecord?> WaitAsync(string jobId, TimeSpan timeout, CancellationToken ct)
    {
        var tcs = _waiters.GetOrAdd(jobId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var job = store.Get(jobId);
        if (job is null || JobState.IsTerminal(job.State) || timeout <= TimeSpan.Zero) return job;
        try { await tcs.Task.WaitAsync(timeout, ct); }
        catch (TimeoutException) { }
        return store.Get(jobId);
    }

    private void Signal(string jobId)
    {
        if (_waiters.TryRemove(jobId, out var tcs)) tcs.TrySetResult();
    }

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var id in store.Recover()) Enqueue(id);
        var workers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(() => WorkerAsync(stoppingToken), CancellationToken.None));
        return Task.WhenAll(workers);
    }

    private async Task WorkerAsync(CancellationToken stopping)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stopping))
            {
                while (!stopping.IsCancellationRequested && _queue.Reader.TryRead(out var id)) Run(id, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }

    private void Run(string id, CancellationToken stopping)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        // Registered before the state change, so a DELETE that finds the job running always finds its token.
        _running[id] = cts;
        if (!store.TryStart(id)) // cancelled while queued, or already taken
        {
            _running.TryRemove(id, out _);
            return;
        }
        cts.CancelAfter(options.JobTimeout);
        var job = store.Get(id)!;
        // The deadline is also checked by elapsed time at every stage, so a timeout holds even when the
        // timer's callback is late on a busy machine.
        var clock = Stopwatch.StartNew();
        void Check()
        {
            if (clock.Elapsed > options.JobTimeout) cts.Cancel();
            cts.Token.ThrowIfCancellationRequested();
        }
        var timings = new ProverTimings { OnStageStart = stage => { options.OnStageStart?.Invoke(stage, cts.Token); Check(); } };
        try
        {
            var loaded = circuits.Get(job.CircuitId) ?? throw new InvalidOperationException($"circuit {job.CircuitId} is not registered");
            var samples = InputData.Parse(store.GetInput(id) ?? throw new InvalidOperationException("the job's input is gone"), loaded.Circuit.InputSize, "input.json");
            Check();
            var sw = Stopwatch.StartNew();
            var proof = InferenceProver.Prove(loaded.ProvingKey, samples, timings);
            double seconds = sw.Elapsed.TotalSeconds;
            Interlocked.Exchange(ref _lastProveSeconds, seconds);
            Check();
            var check = InferenceVerifier.Verify(loaded.VerifyingKey, proof);
            if (!check.IsValid) throw new InvalidOperationException($"the fresh proof does not verify ({check.Failure}: {check.Reason})");
            Algebra.IO.AtomicFile.WriteAllBytes(ProofPath(id), proof.ToFileBytes());
            foreach (var (s, t) in timings.Stages) metrics.Stage(s, t);
            if (store.TryComplete(id, Math.Round(seconds, 4))) metrics.Finished(JobState.Done);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            store.Requeue(id); // resumes at the next start; never counted as failed
        }
        catch (OperationCanceledException)
        {
            bool timedOut = !_cancelRequested.ContainsKey(id);
            string state = timedOut ? JobState.Failed : JobState.Cancelled;
            if (store.TryEnd(id, state, timedOut ? $"timed out after {options.JobTimeout.TotalSeconds:0.###} s" : "cancelled by the client")) metrics.Finished(state);
        }
        catch (Exception e) when (e is ModelFormatException or ArgumentException)
        {
            if (store.TryEnd(id, JobState.Failed, e.Message)) metrics.Finished(JobState.Failed);
        }
        catch (Exception e)
        {
            log.LogError(e, "job {Id} failed", id);
            if (store.TryEnd(id, JobState.Failed, $"internal error: {e.GetType().Name}: {e.Message}")) metrics.Finished(JobState.Failed);
        }
        finally
        {
            _running.TryRemove(id, out _);
            _cancelRequested.TryRemove(id, out _);
            Signal(id);
        }
    }

    private double _lastProveSeconds = 1;

    /// <summary>A Retry-After hint for a full queue: the last proof's time × queued jobs ÷ workers, 1…300 s.</summary>
    public int RetryAfterSeconds() =>
        (int)Math.Clamp(Math.Ceiling(Volatile.Read(ref _lastProveSeconds) * options.MaxQueue / options.Concurrency), 1, 300);

    private readonly ConcurrentDictionary<string, bool> _cancelRequested = new(StringComparer.Ordinal);

    /// <summary>Cancels a job: a queued one at once, a running one at its next prover stage. Returns the state after the request.</summary>
    public string Cancel(string id)
    {
        if (store.TryCancelQueued(id)) { metrics.Finished(JobState.Cancelled); Signal(id); return JobState.Cancelled; }
        _cancelRequested[id] = true;
        if (CancelRunning(id)) return "cancelling";
        _cancelRequested.TryRemove(id, out _);
        return store.Get(id)?.State ?? "unknown";
    }
}
