using Orleans.Runtime;
using Orleans.Runtime.Placement;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;
using ZkMl.Service.Batches;

namespace ZkMl.Service.Cluster;

/// <summary>Progress of a run through silos: one call per batch, skipped (resume) or proven.</summary>
/// <param name="Batch">The manifest line.</param>
/// <param name="Skipped">True when a valid proof was already there.</param>
/// <param name="Done">Batches done so far.</param>
/// <param name="Total">Batches in the dataset.</param>
public readonly record struct ClusterProgress(DatasetBatch Batch, bool Skipped, int Done, int Total);

/// <summary>What a run through silos did.</summary>
/// <param name="Manifest">The final manifest.</param>
/// <param name="Proven">Batches proven in this run.</param>
/// <param name="Skipped">Batches found proven (resume).</param>
/// <param name="Deduplicated">Batches whose rows equal an earlier batch's (same batch digest): proven once, the proof written for each.</param>
/// <param name="Retried">Batch calls that failed on a silo (dead, leaving, refusing) and went to another.</param>
/// <param name="BySilo">Batches proven per silo (host:port).</param>
/// <param name="SilosUsed">Silos that received at least one batch.</param>
public sealed record ClusterRunReport(DatasetManifest Manifest, int Proven, int Skipped, int Deduplicated, int Retried,
    IReadOnlyDictionary<string, int> BySilo, int SilosUsed);

/// <summary>
/// The coordinator of <c>zkml prove-dataset</c>: opens the run (<see cref="DatasetRun"/>), turns the pending
/// batches into work items — one per distinct batch digest — and feeds each active silo of the cluster one
/// item at a time (a proof already uses a machine's cores), placing the item's batch grain on that silo
/// with Orleans' placement hint. New silos get work as they join. A call that fails because its silo died
/// or left puts the item back at the head of the queue for another silo; a silo without the key is not
/// asked again. Results are checked and written by <see cref="DatasetRun.Accept"/>, once per batch.
/// </summary>
public static class ClusterDatasetProver
{
    /// <summary>Attempts of one batch that failed with an error of the batch itself (not of a silo) before the run fails.</summary>
    public const int MaxBatchErrors = 3;

    private sealed class Item(string digest, List<int> indices, BatchWork work)
    {
        public string Digest { get; } = digest;
        public List<int> Indices { get; } = indices;
        public BatchWork Work { get; } = work;
        public int Errors { get; set; }
    }

    /// <summary>Proves every pending batch of <paramref name="samples"/> into <paramref name="outDir"/> through <paramref name="silo"/>'s cluster.</summary>
    /// <remarks>The run fails when, for <paramref name="noSiloTimeout"/> (default 60 s), work is left and no active silo will take it.</remarks>
    /// <exception cref="DatasetException">Bad batch size, an existing manifest for other data or key, a batch that failed <see cref="MaxBatchErrors"/> times, or no silo able to prove.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> fired; the manifest holds every batch finished before.</exception>
    public static async Task<ClusterRunReport> RunAsync(ProverSilo silo, ProvingKey pk, IReadOnlyList<float[]> samples, int batchSize, string outDir,
        Action<ClusterProgress>? progress = null, Action<string>? info = null, CancellationToken ct = default, TimeSpan? noSiloTimeout = null)
    {
        var giveUp = noSiloTimeout ?? TimeSpan.FromSeconds(60);
        var run = DatasetRun.Open(pk.VerifyingKey, pk.Circuit, samples, batchSize, outDir);
        int done = 0;
        foreach (int i in run.AlreadyDone) progress?.Invoke(new ClusterProgress(run.Manifest.Batches[i], true, ++done, run.Total));

        var queue = new LinkedList<Item>();
        foreach (var g in run.Pending.GroupBy(i => run.Manifest.Batches[i].BatchDigest))
        {
            var idx = g.ToList();
            var b = run.Manifest.Batches[idx[0]];
            queue.AddLast(new Item(g.Key, idx, new BatchWork(pk.VerifyingKey.DigestHex, b.Index, b.FirstRow, b.RowCount, Flatten(run.Rows(b.Index), pk.Circuit))));
        }
        int deduplicated = run.Pending.Count - queue.Count;
        int remaining = queue.Count, proven = 0, retried = 0;
        var bySilo = new Dictionary<string, int>(StringComparer.Ordinal);
        var used = new HashSet<SiloAddress>();
        var refused = new HashSet<SiloAddress>();
        var quarantine = new Dictionary<SiloAddress, DateTime>();
        var loops = new Dictionary<SiloAddress, Task>();
        var gate = new object();
        Exception? fatal = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (remaining == 0) allDone.TrySetResult();

        bool TryTake(out Item item)
        {
            lock (gate)
            {
                if (queue.First is { } first) { item = first.Value; queue.RemoveFirst(); return true; }
                item = null!;
                return false;
            }
        }

        void PutBack(Item item)
        {
            lock (gate) queue.AddFirst(item);
        }

        void Fail(Exception e)
        {
            lock (gate) fatal ??= e;
            stop.Cancel();
            allDone.TrySetResult();
        }

        async Task Feed(SiloAddress target)
        {
            string name = target.Endpoint.ToString();
            while (!stop.IsCancellationRequested && TryTake(out var item))
            {
                BatchResult r;
                try
                {
                    RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
                    lock (gate) used.Add(target);
                    r = await silo.Grains.GetGrain<IBatchGrain>(item.Digest).Prove(item.Work, stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    PutBack(item);
                    return;
                }
                catch (BatchRefusedException e) when (e.MissingKey)
                {
                    PutBack(item);
                    lock (gate) { refused.Add(target); retried++; }
                    info?.Invoke($"silo {name}: {e.Message}; it gets no more batches of this run");
                    return;
                }
                catch (Exception e) when (IsSiloFailure(e))
                {
                    PutBack(item);
                    lock (gate) { quarantine[target] = DateTime.UtcNow.AddSeconds(3); retried++; }
                    info?.Invoke($"batch {item.Work.Index}: silo {name} failed ({e.GetType().Name}: {FirstLine(e.Message)}); the batch goes to another silo");
                    return;
                }
                catch (Exception e)
                {
                    Retry(item, name, e);
                    continue;
                }
                finally
                {
                    RequestContext.Remove(IPlacementDirector.PlacementHintKey);
                }
                try
                {
                    foreach (int i in item.Indices)
                    {
                        if (run.IsDone(i)) continue; // a late duplicate: the manifest already has this batch
                        var line = run.Accept(i, r.Proof, r.ProveSeconds, silo.IsClustered ? r.Silo : null);
                        int d;
                        lock (gate) { d = ++done; proven++; bySilo[r.Silo] = bySilo.GetValueOrDefault(r.Silo) + 1; }
                        progress?.Invoke(new ClusterProgress(line, false, d, run.Total));
                    }
                }
                catch (DatasetException e)
                {
                    Retry(item, name, e); // the silo's proof did not check here: prove it again
                    continue;
                }
                catch (InvalidOperationException) when (run.IsClosed)
                {
                    return; // stopped meanwhile: the batch stays pending for the next run
                }
                catch (Exception e)
                {
                    Fail(e); // the folder cannot be written: stop
                    return;
                }
                lock (gate) remaining--;
                if (Volatile.Read(ref remaining) == 0) allDone.TrySetResult();
            }
        }

        void Retry(Item item, string siloName, Exception e)
        {
            int errors;
            lock (gate) { errors = ++item.Errors; retried++; }
            info?.Invoke($"batch {item.Work.Index}: failed on silo {siloName}: {FirstLine(e.Message)} (attempt {errors} of {MaxBatchErrors})");
            if (errors >= MaxBatchErrors) Fail(new DatasetException($"batch {item.Work.Index} (rows {item.Work.FirstRow}…{item.Work.FirstRow + item.Work.RowCount - 1}): failed {errors} times, last on silo {siloName}: {FirstLine(e.Message)}"));
            else PutBack(item);
        }

        var idleSince = DateTime.UtcNow;
        while (!allDone.Task.IsCompleted && !ct.IsCancellationRequested)
        {
            lock (gate)
            {
                foreach (var s in silo.ActiveSilos())
                {
                    if (refused.Contains(s) || (loops.TryGetValue(s, out var t) && !t.IsCompleted)) continue;
                    if (quarantine.TryGetValue(s, out var until) && DateTime.UtcNow < until) continue;
                    if (queue.Count == 0) break;
                    loops[s] = Task.Run(() => Feed(s));
                }
                if (loops.Values.Any(t => !t.IsCompleted)) idleSince = DateTime.UtcNow;
                else if (DateTime.UtcNow - idleSince > giveUp)
                    Fail(new DatasetException($"no silo of the cluster can prove: {refused.Count} refused (no proving key with VK digest {pk.VerifyingKey.DigestHex[..16]}…), none other active"));
            }
            await Task.WhenAny(allDone.Task, Task.Delay(250, CancellationToken.None));
        }
        // Stopped, failed or done: end every feeding loop (pending calls are cancelled) before returning,
        // and close the run, so no result is written after this method has returned.
        stop.Cancel();
        run.Close();
        try { await Task.WhenAll(loops.Values).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None); }
        catch (TimeoutException) { /* a call still waiting on a silo: its result would be a late duplicate */ }
        if (fatal is not null)
        {
            if (fatal is DatasetException) throw fatal;
            throw new InvalidOperationException(fatal.Message, fatal);
        }
        ct.ThrowIfCancellationRequested();
        return new ClusterRunReport(run.Manifest, proven, run.AlreadyDone.Count, deduplicated, retried, bySilo, used.Count);
    }

    /// <summary>True for the errors of a silo rather than of a batch: the silo died, left or cannot be reached.</summary>
    public static bool IsSiloFailure(Exception e) =>
        e is SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException or ClientNotAvailableException
        || (e is OrleansException && e.InnerException is { } inner && IsSiloFailure(inner));

    private static float[] Flatten(float[][] rows, Circuit circuit)
    {
        int n = circuit.InputSize;
        var flat = new float[rows.Length * n];
        for (int r = 0; r < rows.Length; r++) rows[r].AsSpan(0, n).CopyTo(flat.AsSpan(r * n));
        return flat;
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
