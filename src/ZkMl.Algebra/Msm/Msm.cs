using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ZkMl.Algebra;

/// <summary>
/// Multi-scalar multiplication Σ sᵢ·Pᵢ over BN254 G1 by Pippenger's bucket method with signed-digit
/// windows (digits in [−2^(c−1), 2^(c−1)], so 2^(c−1) buckets per window and a negated base for
/// negative digits), windows and point chunks spread over threads, the window size c chosen by a
/// cost model over the number of points and the bit-length the scalars actually need.
/// </summary>
/// <remarks>
/// Small signed scalars (quantized weights and activations, |s| &lt; 2^63) go through
/// <see cref="ComputeSmall(ReadOnlySpan{G1Affine}, ReadOnlySpan{long}, int?)"/>: their sign is folded into
/// the base, and only as many windows as the largest magnitude needs are processed (8-bit data: one
/// or two windows instead of ≈ 20). References: Pippenger 1976; Bernstein et al., "Faster batch
/// forgery identification" (signed buckets); gnark-crypto <c>ecc/bn254/multiexp.go</c>.
/// </remarks>
public static class Msm
{
    private static readonly AsyncLocal<int> SecretDepth = new();

    /// <summary>
    /// A scope (flows into the tasks the MSMs start) in which the MSMs' scratch buffers derived from the scalars — limbs,
    /// signed digits, magnitudes and signs, group ids — are zeroed before they are handed back for reuse. The zero-knowledge
    /// prover runs in one: its scalars (witness entries, masks, blindings) are secret. Bucket arrays hold group elements
    /// only and are not cleared. Dispose to leave the scope (scopes nest).
    /// </summary>
    public static IDisposable SecretScalars()
    {
        SecretDepth.Value++;
        return new SecretScope();
    }

    /// <summary>True inside <see cref="SecretScalars"/>.</summary>
    internal static bool SecretScalarsActive => SecretDepth.Value > 0;

    private sealed class SecretScope : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            SecretDepth.Value--;
        }
    }

    /// <summary>Σ scalars[i]·bases[i] for full field scalars.</summary>
    /// <param name="bases">The points Pᵢ (infinity allowed).</param>
    /// <param name="scalars">The scalars sᵢ, one per base.</param>
    /// <param name="threads">Worker threads (default <see cref="Environment.ProcessorCount"/>; 1 = run on the caller).</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1.</exception>
    public static G1Jacobian Compute(ReadOnlySpan<G1Affine> bases, ReadOnlySpan<Fr> scalars, int? threads = null)
    {
        int n = CheckArgs(bases.Length, scalars.Length, threads);
        if (n == 0) return G1Jacobian.Infinity;
        var limbs = MsmScratch<ulong>.Rent(4 * n);
        try
        {
            int bits = CanonicalLimbs(scalars, limbs);
            return Run(bases, limbs, 4, null, bits, threads);
        }
        finally { MsmScratch<ulong>.Return(limbs, 4 * n); }
    }

    /// <summary>
    /// Σ scalars[i]·Pᵢ for full field scalars over the first scalars.Length points of a
    /// <see cref="FixedBaseTable"/>: every window's digits go into one set of 2^(c−1) buckets (the table
    /// holds 2^(c·w)·Pᵢ), so the bucket sums are paid once instead of once per window, and the larger
    /// window (c = 16: 16 windows instead of ≈ 20 at 2^17 points) means fewer additions.
    /// </summary>
    /// <exception cref="ArgumentException">More scalars than the table has points.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1.</exception>
    public static G1Jacobian Compute(FixedBaseTable table, ReadOnlySpan<Fr> scalars, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (threads is < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "thread count must be at least 1");
        int n = scalars.Length;
        if (n > table.Count) throw new ArgumentException($"{n} scalars for a table of {table.Count} points", nameof(scalars));
        if (n == 0) return G1Jacobian.Infinity;
        int c = table.Window;
        var limbs = MsmScratch<ulong>.Rent(4 * n);
        int[]? digits = null;
        try
        {
            int bits = CanonicalLimbs(scalars, limbs);
            if (bits == 0) return G1Jacobian.Infinity;
            int windows = Math.Min(table.Windows, WindowCount(bits, c));
            digits = MsmScratch<int>.Rent(windows * n);
            ComputeDigits(limbs, 4, n, c, windows, digits);
            int threadCount = Math.Max(1, Math.Min(threads ?? Environment.ProcessorCount, n / 1024));
            var d = digits;
            if (threadCount == 1) return BatchAffine(table.Points, null, d, 0, 0, n, c, windows, table.Count, n);
            // Each thread fills its own bucket set from a slice of the points; then each thread reduces a
            // slice of the bucket range over all sets (so the 2^(c−1)-bucket reduction is shared, not repeated).
            int buckets = 1 << (c - 1);
            var sets = new G1Affine[threadCount][];
            var overflows = new G1Jacobian[]?[threadCount];
            var options = new ParallelOptions { MaxDegreeOfParallelism = threadCount };
            try
            {
                Parallel.For(0, threadCount, options, t =>
                {
                    int lo = (int)((long)n * t / threadCount), hi = (int)((long)n * (t + 1) / threadCount);
                    sets[t] = ArrayPool<G1Affine>.Shared.Rent(buckets);
                    AccumulateBuckets(table.Points, null, d, 0, lo, hi, buckets, windows, table.Count, n, sets[t], ref overflows[t]);
                });
                var partial = new G1Jacobian[threadCount];
                Parallel.For(0, threadCount, options, t =>
                    partial[t] = BucketReduction.Reduce(sets, overflows, (int)((long)buckets * t / threadCount), (int)((long)buckets * (t + 1) / threadCount)));
                var acc = G1Jacobian.Infinity;
                foreach (var p in partial) G1Jacobian.Add(acc, p, out acc);
                return acc;
            }
            finally
            {
                foreach (var b in sets) if (b != null) ArrayPool<G1Affine>.Shared.Return(b);
                foreach (var o in overflows) if (o != null) ArrayPool<G1Jacobian>.Shared.Return(o);
            }
        }
        finally
        {
            MsmScratch<ulong>.Return(limbs, 4 * n);
            if (digits != null) MsmScratch<int>.Return(digits, table.Windows * n);
        }
    }

    /// <summary>
    /// Σ scalars[i]·bases[i] when the scalars take few distinct values (LogUp helpers 1/(α − f) over a small
    /// table): the bases that share a non-zero value are summed first (batch-affine, about one addition per
    /// point), then one full-scalar MSM runs over the distinct values. Returns false, computing nothing, when
    /// more than <paramref name="maxDistinct"/> distinct non-zero values occur.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1, or <paramref name="maxDistinct"/> is negative.</exception>
    public static unsafe bool TryComputeFewDistinct(ReadOnlySpan<G1Affine> bases, ReadOnlySpan<Fr> scalars, int maxDistinct, out G1Jacobian result, int? threads = null)
    {
        int n = CheckArgs(bases.Length, scalars.Length, threads);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistinct);
        result = G1Jacobian.Infinity;
        // Group ids: digit = id + 1 (0 = a zero scalar, skipped).
        var ids = new Dictionary<Fr, int>();
        var values = new List<Fr>();
        var digits = MsmScratch<int>.Rent(n);
        try
        {
            for (int i = 0; i < n; i++)
            {
                var s = scalars[i];
                if (s.IsZero) { digits[i] = 0; continue; }
                if (!ids.TryGetValue(s, out int id))
                {
                    if (values.Count == maxDistinct) return false;
                    id = values.Count;
                    ids.Add(s, id);
                    values.Add(s);
                }
                digits[i] = id + 1;
            }
            result = Grouped(bases, digits, CollectionsMarshal.AsSpan(values), threads);
            return true;
        }
        finally { MsmScratch<int>.Return(digits, n); }
    }

    /// <summary>
    /// Σ_i values[groups[i] − 1]·bases[i], groups[i] = 0 skipping base i: the few-distinct-values MSM of
    /// <see cref="TryComputeFewDistinct"/> for a caller that already knows which scalars are equal (e.g. a vector computed
    /// from a small set of inputs), without hashing the scalars. The bases of each group are summed first (batch-affine), then
    /// one MSM runs over the groups' values.
    /// </summary>
    /// <param name="bases">The points Pᵢ (infinity allowed).</param>
    /// <param name="groups">Per base, 0 (skip) or 1 + the index of its value; at least bases.Length entries (the rest are ignored).</param>
    /// <param name="values">The value of each group.</param>
    /// <param name="threads">Worker threads (default <see cref="Environment.ProcessorCount"/>).</param>
    /// <exception cref="ArgumentException">Fewer group entries than bases, or a group entry outside 0 … values.Length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is below 1.</exception>
    public static G1Jacobian ComputeGrouped(ReadOnlySpan<G1Affine> bases, int[] groups, ReadOnlySpan<Fr> values, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Length < bases.Length) throw new ArgumentException($"{groups.Length} group entries for {bases.Length} bases", nameof(groups));
        CheckArgs(bases.Length, bases.Length, threads);
        for (int i = 0; i < bases.Length; i++)
            if ((uint)groups[i] > (uint)values.Length)
                throw new ArgumentException($"group entry {i} is {groups[i]}; expected 0 … {values.Length}", nameof(groups));
        return Grouped(bases, groups, values, threads);
    }

    /// <summary>The shared core of the grouped MSMs: digits[i] = 1 + group of base i (0: skipped), checked by the callers.</summary>
    private static G1Jacobian Grouped(ReadOnlySpan<G1Affine> bases, int[] digits, ReadOnlySpan<Fr> values, int? threads)
    {
        if (values.Length == 0 || bases.Length == 0) return G1Jacobian.Infinity;
        return Compute(GroupSumsCore(bases, digits, values.Length, threads), values, threads);
    }

    /// <summary>
    /// The group sums of <see cref="ComputeGrouped"/> before its MSM over the values: entry k = Σ of the bases i with
    /// groups[i] = k + 1 (infinity for an empty group), for a caller that combines the same sums with several sets of values.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer group entries than bases, or a group entry outside 0 … groupCount.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="groupCount"/> is negative or <paramref name="threads"/> below 1.</exception>
    internal static G1Affine[] GroupSums(ReadOnlySpan<G1Affine> bases, int[] groups, int groupCount, int? threads = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentOutOfRangeException.ThrowIfNegative(groupCount);
        if (groups.Length < bases.Length) throw new ArgumentException($"{groups.Length} group entries for {bases.Length} bases", nameof(groups));
        CheckArgs(bases.Length, bases.Length, threads);
        for (int i = 0; i < bases.Length; i++)
            if ((uint)groups[i] > (uint)groupCount)
                throw new ArgumentException($"group entry {i} is {groups[i]}; expected 0 … {groupCount}", nameof(groups));
        if (groupCount == 0) return [];
        if (bases.Length == 0) return new G1Affine[groupCount]; // default = infinity
        return GroupSumsCore(bases, groups, groupCount, threads);
    }

    /// <summary>Points from which the group sums are formed by <see cref="SortedGroupSums"/> (below: the bucket accumulation).</summary>
    internal const int SortedGroupMinPoints = 4096;

    /// <summary>Whether <see cref="SortedGroupSums"/> is used (benchmarks and twin tests switch it off; results are identical).</summary>
    internal static bool UseSortedGroups { get; set; } = true;

    /// <summary>
    /// sums[k] = Σ of the bases i with ids[i] = k + 1 (negated where <paramref name="negative"/>[i]; id 0 skips the base), by
    /// sorting the bases by group (a counting sort into one array) and adding the two halves of every group into each other,
    /// level by level: a level's additions of all groups are independent, so they go through
    /// <see cref="BucketReduction.AddInPlace"/> as one list (one inversion per 1,024 additions), however the points fall into the
    /// groups. The bucket accumulation (<see cref="AccumulateBuckets"/>) must make a point whose bucket already has an addition
    /// pending wait, and with skewed ids (relu activations and LogUp helpers, where a few values hold most entries) most points
    /// ended as Jacobian overflow additions. About one addition per point; the additions run in place in the sorted array
    /// (<see cref="AddLevel"/>), only the short runs of small groups are gathered into a cache-sized buffer.
    /// </summary>
    private static G1Affine[] SortedGroupSums(ReadOnlySpan<G1Affine> bases, int[] ids, bool[]? negative, int groups, int threads)
    {
        int n = bases.Length;
        var start = new int[groups + 2]; // start[k]: the first slot of group k (k ≥ 1) in the sorted array
        for (int i = 0; i < n; i++) start[ids[i]]++;
        var len = new int[groups + 1];
        int m = 0;
        for (int k = 1; k <= groups; k++) { len[k] = start[k]; start[k] = m; m += len[k]; }
        bool secret = SecretScalarsActive;
        // A plain allocation, not the shared pool: at 2^19 points this is 32 MiB that a pool would keep for the process's
        // life (the peak working set of a B = 1024 proof grew from 725 to 923 MiB with rented arrays).
        var pts = GC.AllocateUninitializedArray<G1Affine>(Math.Max(1, m));
        try
        {
            var next = new int[groups + 1];
            Array.Copy(start, next, groups + 1);
            for (int i = 0; i < n; i++)
            {
                int k = ids[i];
                if (k == 0) continue;
                pts[next[k]++] = negative != null && negative[i] ? bases[i].Negate() : bases[i];
            }
            // Group k occupies pts[start[k], start[k] + len[k]); each level adds its last ⌊len/2⌋ entries onto its first ones
            // (an odd middle entry stays), so len → ⌈len/2⌉ until every group is one point. A level is a list of runs
            // (first accumulator slot, first addend slot, count), one per group of two or more points.
            var runs = new LevelRun[groups];
            while (true)
            {
                int count = 0, pairs = 0;
                for (int k = 1; k <= groups; k++)
                {
                    int l = len[k];
                    if (l < 2) continue;
                    int h = l / 2, s0 = start[k];
                    runs[count++] = new LevelRun(s0, s0 + l - h, h, pairs);
                    pairs += h;
                    len[k] = l - h;
                }
                if (pairs == 0) break;
                AddLevel(pts, runs.AsSpan(0, count), pairs, threads, secret);
            }
            var sums = new G1Affine[groups]; // default: infinity (an empty group)
            for (int k = 1; k <= groups; k++) if (len[k] == 1) sums[k - 1] = pts[start[k]];
            return sums;
        }
        finally
        {
            // Inside SecretScalars the sorted order says which bases share a value: the sorted copy is zeroed.
            if (secret) Array.Clear(pts);
        }
    }

    /// <summary>One run of a sorted-groups level: pts[Acc + j] += pts[Add + j] for j &lt; Count; Before = the additions of the earlier runs.</summary>
    private readonly record struct LevelRun(int Acc, int Add, int Count, int Before);

    /// <summary>
    /// The additions of one level of <see cref="SortedGroupSums"/>, split over up to <paramref name="threads"/> threads (at
    /// least 2,048 additions each). A run's whole batches of <see cref="MaxBatch"/> additions are added in place; the rest of
    /// it (small groups, a run's tail) is gathered into a batch buffer with the other runs' rests and written back after its
    /// addition. Copying every run out and back through level-sized arrays cost memmoves and freshly faulted pages that took
    /// most of a B = 1024 W1 commitment (perf, session 32).
    /// </summary>
    private static void AddLevel(G1Affine[] pts, ReadOnlySpan<LevelRun> runs, int pairs, int threads, bool secret)
    {
        int parts = Math.Max(1, Math.Min(threads, pairs / 2048));
        var all = runs.ToArray();
        void Part(int t)
        {
            int lo = (int)((long)pairs * t / parts), hi = (int)((long)pairs * (t + 1) / parts);
            var scratch = ArrayPool<Fq>.Shared.Rent(2 * MaxBatch);
            var acc = ArrayPool<G1Affine>.Shared.Rent(MaxBatch);
            var add = ArrayPool<G1Affine>.Shared.Rent(MaxBatch);
            var dest = ArrayPool<int>.Shared.Rent(MaxBatch);
            int held = 0;
            void Drain()
            {
                if (held == 0) return;
                BucketReduction.AddInPlace(acc.AsSpan(0, held), add.AsSpan(0, held), scratch.AsSpan(0, 2 * MaxBatch));
                for (int j = 0; j < held; j++) pts[dest[j]] = acc[j];
                held = 0;
            }
            try
            {
                // The first run that reaches into [lo, hi): the last with Before ≤ lo.
                int r = 0, a = 0, b = all.Length - 1;
                while (a <= b) { int mid = (a + b) >>> 1; if (all[mid].Before <= lo) { r = mid; a = mid + 1; } else b = mid - 1; }
                for (; r < all.Length && all[r].Before < hi; r++)
                {
                    var run = all[r];
                    int from = Math.Max(lo, run.Before) - run.Before, to = Math.Min(hi, run.Before + run.Count) - run.Before;
                    for (; to - from >= MaxBatch; from += MaxBatch)
                        BucketReduction.AddInPlace(pts.AsSpan(run.Acc + from, MaxBatch), pts.AsSpan(run.Add + from, MaxBatch), scratch.AsSpan(0, 2 * MaxBatch));
                    for (; from < to; from++)
                    {
                        acc[held] = pts[run.Acc + from];
                        add[held] = pts[run.Add + from];
                        dest[held++] = run.Acc + from;
                        if (held == MaxBatch) Drain();
                    }
                }
                Drain();
            }
            finally
            {
                ArrayPool<Fq>.Shared.Return(scratch);
                ArrayPool<G1Affine>.Shared.Return(acc, secret);
                ArrayPool<G1Affine>.Shared.Return(add, secret);
                ArrayPool<int>.Shared.Return(dest, secret);
            }
        }
        if (parts == 1) Part(0);
        else Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, Part);
    }

    /// <summary>Bucket count below which <see cref="GroupSumsCore"/> splits each group into sub-buckets.</summary>
    internal const int GroupSplitBuckets = 2048;

    /// <summary>Most sub-buckets per group.</summary>
    internal const int MaxGroupSplit = 16;

    private static unsafe G1Affine[] GroupSumsCore(ReadOnlySpan<G1Affine> bases, int[] digits, int groups, int? threads)
    {
        int n = bases.Length;
        if (UseSortedGroups && n >= SortedGroupMinPoints)
            return SortedGroupSums(bases, digits, null, groups, Math.Max(1, threads ?? Environment.ProcessorCount));
        // Few groups make small batch-affine batches (a quarter of the buckets share one inversion) and frequent collisions
        // (a point whose bucket is already pending waits): each group is split into `split` sub-buckets by the index's low
        // bits (groups·split ≥ GroupSplitBuckets, split ≤ MaxGroupSplit) and its sub-buckets are added at the end
        // (bench/README.md "W3 and the input commitment, session 26").
        int split = 1;
        if (n >= 8 * BatchAffineMinPoints)
            while (split < MaxGroupSplit && (long)groups * split < GroupSplitBuckets) split *= 2;
        int buckets = groups * split;
        int[]? subDigits = null;
        try
        {
            var d = digits;
            if (split > 1)
            {
                subDigits = MsmScratch<int>.Rent(n);
                for (int i = 0; i < n; i++) subDigits[i] = digits[i] == 0 ? 0 : (digits[i] - 1) * split + (i & (split - 1)) + 1;
                d = subDigits;
            }
            int threadCount = Math.Max(1, Math.Min(threads ?? Environment.ProcessorCount, n / 4096));
            var partBuckets = new G1Affine[threadCount][];
            var partOverflow = new G1Jacobian[]?[threadCount];
            fixed (G1Affine* pinned = bases) // read in place, not copied (see Run)
            {
                nint at = (nint)pinned;
                void Task(int t)
                {
                    int lo = (int)((long)n * t / threadCount), hi = (int)((long)n * (t + 1) / threadCount);
                    var bucket = new G1Affine[buckets];
                    G1Jacobian[]? overflow = null;
                    AccumulateBuckets(new ReadOnlySpan<G1Affine>((void*)at, n), null, d, 0, lo, hi, buckets, 1, 0, 0, bucket, ref overflow);
                    partBuckets[t] = bucket;
                    partOverflow[t] = overflow;
                }
                if (threadCount == 1) Task(0);
                else Parallel.For(0, threadCount, new ParallelOptions { MaxDegreeOfParallelism = threadCount }, Task);
            }

            var sums = new G1Jacobian[groups];
            for (int g = 0; g < groups; g++)
            {
                sums[g] = G1Jacobian.Infinity;
                for (int k = 0; k < split; k++) BucketReduction.AddBucket(ref sums[g], partBuckets, partOverflow, g * split + k);
            }
            // Inside SecretScalars the per-group sums say which bases share a value: the intermediate copies are zeroed.
            bool secret = SecretScalarsActive;
            foreach (var o in partOverflow) if (o != null) ArrayPool<G1Jacobian>.Shared.Return(o, secret);
            var points = new G1Affine[groups];
            G1Jacobian.BatchToAffine(sums, points);
            if (secret)
            {
                Array.Clear(sums);
                foreach (var b in partBuckets) Array.Clear(b);
            }
            return points;
        }
        finally { if (subDigits != null) MsmScratch<int>.Return(subDigits, n); }
    }

    /// <summary>
    /// Σ scalars[i]·bases[i] for small signed integer scalars (the fast path for quantized data): the
    /// work scales with the bit-length of the largest |sᵢ|, not with the 254-bit field size.
    /// </summary>
    /// <inheritdoc cref="Compute(ReadOnlySpan{G1Affine}, ReadOnlySpan{Fr}, int?)"/>
    public static G1Jacobian ComputeSmall(ReadOnlySpan<G1Affine> bases, ReadOnlySpan<long> scalars, int? threads = null)
    {
        int n = CheckArgs(bases.Length, scalars.Length, threads);
        if (n == 0) return G1Jacobian.Infinity;
        var mags = MsmScratch<ulong>.Rent(n);
        var neg = ArrayPool<bool>.Shared.Rent(n);
        try
        {
            ulong or = 0;
            Span<int> hist = stackalloc int[65];
            for (int i = 0; i < n; i++)
            {
                long s = scalars[i];
                ulong m = s < 0 ? (ulong)(-(s + 1)) + 1 : (ulong)s; // |long.MinValue| = 2^63 fits
                mags[i] = m; neg[i] = s < 0; or |= m;
                hist[BitLength(m)]++;
            }
            int bits = BitLength(or);
            // A few wide scalars (LogUp multiplicities next to 9-bit limbs) would make every point pay for their
            // windows: when at most n/64 entries need more bits than the rest and the rest needs fewer windows,
            // the wide ones go to a second MSM over their own points.
            int cut = bits, above = 0;
            while (cut > 0 && above + hist[cut] <= n / 64) above += hist[cut--];
            int t = threads ?? Environment.ProcessorCount;
            int WindowsFor(int b) => WindowCount(b, ChooseWindow(n, b, t));
            if (above == 0 || cut == bits || n < 4096 || WindowsFor(cut) >= WindowsFor(bits))
                return Run(bases, mags, 1, neg, bits, threads);
            var wideBases = new G1Affine[above];
            var wideMags = new ulong[above];
            var wideNeg = new bool[above];
            for (int i = 0, k = 0; i < n; i++)
            {
                if (BitLength(mags[i]) <= cut) continue;
                wideBases[k] = bases[i]; wideMags[k] = mags[i]; wideNeg[k] = neg[i]; k++;
                mags[i] = 0;
            }
            return Run(bases, mags, 1, neg, cut, threads) + Run(wideBases, wideMags, 1, wideNeg, bits, threads);
        }
        finally { MsmScratch<ulong>.Return(mags, n); ArrayPool<bool>.Shared.Return(neg, SecretScalarsActive); }
    }

    /// <summary>Σ scalars[i]·bases[i] for 32-bit signed scalars.</summary>
    /// <inheritdoc cref="ComputeSmall(ReadOnlySpan{G1Affine}, ReadOnlySpan{long}, int?)"/>
    public static G1Jacobian ComputeSmall(ReadOnlySpan<G1Affine> bases, ReadOnlySpan<int> scalars, int? threads = null)
    {
        var wide = ArrayPool<long>.Shared.Rent(scalars.Length);
        try
        {
            for (int i = 0; i < scalars.Length; i++) wide[i] = scalars[i];
            return ComputeSmall(bases, wide.AsSpan(0, scalars.Length), threads);
        }
        finally { ArrayPool<long>.Shared.Return(wide, SecretScalarsActive); }
    }

    /// <summary>Σ scalars[i]·bases[i] for 8-bit signed scalars (int8 quantized tensors).</summary>
    /// <inheritdoc cref="ComputeSmall(ReadOnlySpan{G1Affine}, ReadOnlySpan{long}, int?)"/>
    public static G1Jacobian ComputeSmall(ReadOnlySpan<G1Affine> bases, ReadOnlySpan<sbyte> scalars, int? threads = null)
    {
        var wide = ArrayPool<long>.Shared.Rent(scalars.Length);
        try
        {
            for (int i = 0; i < scalars.Length; i++) wide[i] = scalars[i];
            return ComputeSmall(bases, wide.AsSpan(0, scalars.Length), threads);
        }
        finally { ArrayPool<long>.Shared.Return(wide, SecretScalarsActive); }
    }

    /// <summary>
    /// The window size c minimising the estimated group operations for n points and scalars of the
    /// given bit-length: windows·(n additions + 2·2^(c−1) additions for the bucket sums), where windows spread over
    /// <paramref name="threads"/> count as ⌈windows/threads⌉ (the slowest thread: 2^19 points on 2 threads take c = 16,
    /// 8 + 8 windows, rather than c = 15, 9 + 8), plus three windows' worth when the top window is too narrow for its batches.
    /// </summary>
    internal static int ChooseWindow(int n, int bits, int threads = 1)
    {
        int best = 1;
        double bestCost = double.MaxValue;
        threads = Math.Max(1, threads);
        for (int c = 1; c <= 16; c++)
        {
            int windows = WindowCount(bits, c);
            int perThread = (windows + threads - 1) / threads;
            // A full Jacobian addition costs ≈ 1.4 mixed additions. With batch-affine buckets (large inputs) each
            // addition also pays its share of one field inversion (≈ 90 additions) per batch, and the batch is a
            // quarter of the bucket count: few buckets make every addition dearer (8-bit data with c = 9: ≈ 2.4×).
            bool batchAffine = n >= 8 * BatchAffineMinPoints;
            double perPoint = batchAffine ? 1 + 90.0 / BatchSize(1 << (c - 1)) : 1;
            double cost = perThread * (n * perPoint + 2.0 * (1 << (c - 1)));
            // The top window holds what is left of the bits (plus the carry): when that leaves it fewer buckets than twice a
            // batch, most of its points find their bucket busy and end as Jacobian overflow additions (≈ 3 affine ones).
            // Counted as three more windows: 254-bit scalars at 65,856 points on 2 threads took 165-171 ms with c = 13 (top
            // window 8 bits) against 138-148 ms with c = 15 (a full top window).
            int topBits = bits + 1 - c * (windows - 1);
            if (batchAffine && windows > 1 && topBits < c && (1 << Math.Max(0, topBits - 1)) < 2 * BatchSize(1 << (c - 1)))
                cost += 3.0 * n * perPoint;
            if (cost < bestCost) { bestCost = cost; best = c; }
        }
        return best;
    }

    /// <summary>Independent bucket additions per batch (one shared inversion) for a set of <paramref name="buckets"/> buckets.</summary>
    private static int BatchSize(int buckets) => Math.Clamp(buckets / 4, 16, MaxBatch);

    /// <summary>The longest batch of independent bucket additions (one shared inversion each).</summary>
    private const int MaxBatch = 1024;

    /// <summary>Signed digits of a (bits)-bit scalar need one extra bit for the final carry.</summary>
    internal static int WindowCount(int bits, int c) => (bits + 1 + c - 1) / c;

    private static int CheckArgs(int nb, int ns, int? threads)
    {
        if (nb != ns) throw new ArgumentException($"MSM needs one scalar per base: {nb} bases, {ns} scalars", nameof(ns));
        if (threads is < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "thread count must be at least 1");
        return nb;
    }

    private static int BitLength(ulong v) => 64 - BitOperations.LeadingZeroCount(v);

    /// <summary>The scalars' canonical values as 4 little-endian limbs each; returns the bit-length that covers them all.</summary>
    private static int CanonicalLimbs(ReadOnlySpan<Fr> scalars, ulong[] limbs)
    {
        ulong or3 = 0, or2 = 0, or1 = 0, or0 = 0;
        for (int i = 0; i < scalars.Length; i++)
        {
            scalars[i].ToCanonicalLimbs(out ulong c0, out ulong c1, out ulong c2, out ulong c3);
            limbs[4 * i] = c0; limbs[4 * i + 1] = c1; limbs[4 * i + 2] = c2; limbs[4 * i + 3] = c3;
            or0 |= c0; or1 |= c1; or2 |= c2; or3 |= c3;
        }
        return or3 != 0 ? 192 + BitLength(or3) : or2 != 0 ? 128 + BitLength(or2) : or1 != 0 ? 64 + BitLength(or1) : BitLength(or0);
    }

    /// <summary>
    /// The shared driver: magnitudes as <paramref name="limbsPer"/> little-endian limbs per scalar, optional
    /// sign flags, the bit-length that covers every magnitude.
    /// </summary>
    internal static unsafe G1Jacobian Run(ReadOnlySpan<G1Affine> bases, ulong[] mags, int limbsPer, bool[]? negative, int bits, int? threads, int? window = null, int batchAffineMin = BatchAffineMinPoints)
    {
        int n = bases.Length;
        if (bits == 0) return G1Jacobian.Infinity;
        int threadCount = threads ?? Environment.ProcessorCount;
        // Windows go to threads whole once there are at least as many windows as threads (see below).
        int c = window ?? ChooseWindow(n, bits, n / 256 >= 1 && threadCount > 1 ? threadCount : 1);
        int windows = WindowCount(bits, c);

        // Signed digits, window-major: digits[w·n + i] ∈ [−2^(c−1), 2^(c−1)].
        var digits = MsmScratch<int>.Rent(windows * n);
        try
        {
            ComputeDigits(mags, limbsPer, n, c, windows, digits);
            if (UsePooledWindows(n, c, windows, threadCount, batchAffineMin))
                return PooledWindows(bases, negative, digits, n, c, windows, threadCount);
            if (windows == 1 && UseSortedGroups && n >= SortedGroupMinPoints)
                return SingleWindowSorted(bases, negative, digits, n, threadCount);
            // Split points into chunks too when there are fewer windows than threads.
            int chunks = threadCount <= 1 ? 1 : Math.Max(1, Math.Min(n / 256, (2 * threadCount + windows - 1) / windows));
            int tasks = windows * chunks;
            var partial = new G1Jacobian[tasks];
            // The tasks read the caller's bases in place (pinned for the call) rather than a copy: at 2^20 points a
            // copy was 64 MiB of garbage per MSM.
            fixed (G1Affine* pinned = bases)
            {
                nint at = (nint)pinned;
                void Task(int t)
                {
                    int w = t / chunks, k = t % chunks;
                    int lo = (int)((long)n * k / chunks), hi = (int)((long)n * (k + 1) / chunks);
                    var pts = new ReadOnlySpan<G1Affine>((void*)at, n);
                    partial[t] = hi - lo >= batchAffineMin
                        ? WindowBatchAffine(pts, negative, digits, w * n, lo, hi, c)
                        : Window(pts, negative, digits, w * n, lo, hi, c);
                }
                if (threadCount <= 1 || tasks == 1) for (int t = 0; t < tasks; t++) Task(t);
                else Parallel.For(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = threadCount }, Task);
            }

            // Horner over windows, most significant first.
            var acc = G1Jacobian.Infinity;
            for (int w = windows - 1; w >= 0; w--)
            {
                for (int d = 0; d < c && w != windows - 1; d++) G1Jacobian.Double(acc, out acc);
                for (int k = 0; k < chunks; k++) G1Jacobian.Add(acc, partial[w * chunks + k], out acc);
            }
            return acc;
        }
        finally { MsmScratch<int>.Return(digits, windows * n); }
    }

    /// <summary>
    /// One window (small scalars: quantized data, LogUp multiplicities): bucket j (|digit| = j + 1) is the sum of its points,
    /// formed by <see cref="SortedGroupSums"/> over the buckets that occur, then the running-sum reduction Σ_j (j + 1)·B_j.
    /// </summary>
    private static G1Jacobian SingleWindowSorted(ReadOnlySpan<G1Affine> bases, bool[]? negative, int[] digits, int n, int threadCount)
    {
        var ids = MsmScratch<int>.Rent(n);
        var neg = ArrayPool<bool>.Shared.Rent(n);
        bool secret = SecretScalarsActive;
        try
        {
            int top = 0;
            for (int i = 0; i < n; i++)
            {
                int d = digits[i];
                int a = d < 0 ? -d : d;
                ids[i] = a;
                neg[i] = (d < 0) != (negative != null && negative[i]);
                if (a > top) top = a;
            }
            if (top == 0) return G1Jacobian.Infinity;
            var buckets = SortedGroupSums(bases, ids, neg, top, threadCount);
            var r = BucketReduction.Reduce([buckets], [null], 0, top);
            if (secret) Array.Clear(buckets);
            return r;
        }
        finally
        {
            MsmScratch<int>.Return(ids, n);
            ArrayPool<bool>.Shared.Return(neg, secret);
        }
    }

    /// <summary>Smallest input that <see cref="PooledWindows"/> takes (below, the Jacobian windows of <see cref="Window"/>), unless a
    /// caller of <see cref="Run"/> sets a lower batch-affine minimum (tests do, to reach the batch-affine paths with few points).</summary>
    internal const int PooledMinPoints = 128;

    /// <summary>Whether the benchmarks and twin tests let <see cref="Run"/> pool small windows (results are identical either way).</summary>
    internal static bool UsePooled { get; set; } = true;

    /// <summary>
    /// Whether <see cref="Run"/> pools the windows (<see cref="PooledWindows"/>): when a window has at most
    /// <see cref="PooledMaxBuckets"/> buckets (c ≤ 12: inputs of up to ≈ 10^4 points), so that its own batches
    /// (<see cref="BatchSize"/>: a quarter of its buckets) would be short, and every thread gets at least two windows. Each
    /// batch shares one field inversion, so a window of 2^(c−1) buckets alone paid for one inversion every 2^(c−3) additions:
    /// a 552-point MSM (c = 6, batches of 16) took 33 ms on one thread.
    /// </summary>
    internal static bool UsePooledWindows(int n, int c, int windows, int threads, int batchAffineMin)
        => UsePooled && n >= Math.Min(PooledMinPoints, batchAffineMin) && (1 << (c - 1)) <= PooledMaxBuckets && windows >= 2 * Math.Max(1, threads);

    /// <summary>
    /// Most buckets per window that <see cref="PooledWindows"/> takes. Above, a window's own batches (a quarter of its buckets)
    /// already amortise the inversion, and the pooled bucket array (windows × buckets × 64 bytes) would outgrow the L2 cache.
    /// </summary>
    internal const int PooledMaxBuckets = 2048;

    /// <summary>
    /// The windows of a small MSM pooled: each thread takes a range of windows and accumulates all of them at once into one
    /// array of count·2^(c−1) buckets (window w's bucket j at w·2^(c−1) + j), so one batch of independent additions spans
    /// the windows and shares one inversion; then the windows' running-sum reductions run side by side, one batched affine
    /// step for all of them (<see cref="BucketReduction.ReduceWindows"/>), and Horner joins the window sums.
    /// </summary>
    private static unsafe G1Jacobian PooledWindows(ReadOnlySpan<G1Affine> bases, bool[]? negative, int[] digits, int n, int c, int windows, int threadCount)
    {
        int buckets = 1 << (c - 1);
        int tasks = Math.Min(Math.Max(1, threadCount), windows);
        var sums = new G1Jacobian[windows];
        fixed (G1Affine* pinned = bases)
        {
            nint at = (nint)pinned;
            void Task(int t)
            {
                int w0 = (int)((long)windows * t / tasks), w1 = (int)((long)windows * (t + 1) / tasks), count = w1 - w0;
                var pts = new ReadOnlySpan<G1Affine>((void*)at, n);
                var set = ArrayPool<G1Affine>.Shared.Rent(count * buckets);
                G1Jacobian[]? overflow = null;
                try
                {
                    AccumulateBuckets(pts, negative, digits, w0 * n, 0, n, count * buckets, count, 0, n, set, ref overflow, buckets);
                    BucketReduction.ReduceWindows(set, overflow, count, buckets, sums.AsSpan(w0, count));
                }
                finally
                {
                    ArrayPool<G1Affine>.Shared.Return(set);
                    if (overflow != null) ArrayPool<G1Jacobian>.Shared.Return(overflow);
                }
            }
            if (tasks == 1) Task(0);
            else Parallel.For(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = threadCount }, Task);
        }
        var acc = sums[windows - 1];
        for (int w = windows - 2; w >= 0; w--)
        {
            for (int d = 0; d < c; d++) G1Jacobian.Double(acc, out acc);
            G1Jacobian.Add(acc, sums[w], out acc);
        }
        return acc;
    }

    private static void ComputeDigits(ulong[] mags, int limbsPer, int n, int c, int windows, int[] digits)
    {
        int half = 1 << (c - 1);
        int full = 1 << c;
        ulong mask = (1UL << c) - 1;
        for (int i = 0; i < n; i++)
        {
            int carry = 0;
            int baseLimb = i * limbsPer;
            for (int w = 0; w < windows; w++)
            {
                int bit = w * c;
                int limb = bit >> 6, shift = bit & 63;
                ulong raw = 0;
                if (limb < limbsPer)
                {
                    raw = mags[baseLimb + limb] >> shift;
                    if (shift + c > 64 && limb + 1 < limbsPer) raw |= mags[baseLimb + limb + 1] << (64 - shift);
                    raw &= mask;
                }
                int d = (int)raw + carry;
                if (d > half) { d -= full; carry = 1; } else carry = 0;
                digits[w * n + i] = d;
            }
        }
    }

    /// <summary>Pending additions from which a batch takes the eight-lane products (<see cref="FqBatch"/>); smaller ones stay scalar.</summary>
    internal const int FlushVectorMin = 16;

    /// <summary>
    /// Whether the batch-affine additions use the eight-lane flush: its products eight at a time through
    /// <see cref="FqBatch.Mul8"/>, in AVX-512 or AVX2 lanes when the CPU has them (<see cref="FqBatch.IsVectorized"/>), else as
    /// eight independent scalar products (which still beat the scalar flush's one dependent chain); with the AVX2 or AVX-512
    /// kernel the additions take the 29-bit limb form instead (<see cref="UseLimbFlush"/>). Only benchmarks and the twin tests switch it off,
    /// to compare both paths in one process; results are identical.
    /// </summary>
    internal static bool UseVectorFlush { get; set; } = true;

    /// <summary>
    /// Whether the batch-affine additions take the 29-bit limb form (<see cref="AffineBatchAvx2"/> when the Fq kernel is AVX2,
    /// <see cref="AffineBatchAvx512"/> when it is AVX-512); false keeps the eight-lane flush. Only benchmarks and the twin tests
    /// switch it off; results are identical.
    /// </summary>
    internal static bool UseLimbFlush { get; set; } = true;

    /// <summary>The limb-form additions the batch-affine flushes take now: Avx2, Avx512, or Scalar for none (the eight-lane flush).</summary>
    internal static FqBatch.Mul8Kernel LimbFlushKind()
    {
        if (!UseLimbFlush) return FqBatch.Mul8Kernel.Scalar;
        var k = FqBatch.Kernel;
        if (k == FqBatch.Mul8Kernel.Avx512 && AffineBatchAvx512.IsSupported) return k;
        if (k == FqBatch.Mul8Kernel.Avx2 && AffineBatchAvx2.IsSupported) return k;
        return FqBatch.Mul8Kernel.Scalar;
    }

    /// <summary>
    /// How many points ahead the bucket accumulation prefetches the bucket a digit will hit: a fixed-base-table MSM of 2^15
    /// points fills 2^15 buckets (2 MiB per set, more than a Zen 3 core's L2), so the bucket read in Put mostly misses.
    /// 8 and 16 measured alike, both ≈ 0.97× the CPU time of no prefetch (bench/README.md "session 24").
    /// </summary>
    private const int PrefetchAhead = 8;

    /// <summary>Point count per task from which the batch-affine bucket accumulation is used.</summary>
    internal const int BatchAffineMinPoints = 512;

    /// <summary>
    /// One window with affine buckets: independent bucket additions are collected into batches that
    /// share one field inversion (Montgomery's trick), so an addition costs ≈ 6 multiplications instead
    /// of ≈ 11 for a mixed Jacobian addition. A point whose bucket already has an addition pending in the
    /// current batch waits in a bounded queue that is retried after each batch; when the queue is full
    /// (and for what is left in it at the end) the point goes into a per-bucket Jacobian overflow
    /// accumulator by one mixed addition. Equal points (doubling) and opposite points (infinity) are handled.
    /// </summary>
    /// <remarks>
    /// The overflow keeps the cost linear in the number of points whatever the digit distribution. An
    /// earlier version deferred every colliding point to unbounded retry rounds, which is quadratic when
    /// few buckets are hit: the top window of 254-bit scalars when c does not divide 255 well (2^16 full
    /// scalars took 0.8 s instead of 0.5 s, and 13 s with c = 11), or all-equal scalars (48 s at 2^14).
    /// </remarks>
    private static G1Jacobian WindowBatchAffine(ReadOnlySpan<G1Affine> bases, bool[]? negative, int[] digits, int offset, int lo, int hi, int c)
        => BatchAffine(bases, negative, digits, offset, lo, hi, c, 1, 0, 0);

    /// <summary>
    /// The batch-affine bucket accumulation over <paramref name="windows"/> rows of points [lo, hi): row w
    /// reads digit digits[offset + w·digitStride + i] and base bases[w·baseStride + i] into ONE set of
    /// buckets (one window: windows = 1; a fixed-base table, whose row w holds 2^(c·w)·Pᵢ: all windows at once).
    /// </summary>
    internal static G1Jacobian BatchAffine(ReadOnlySpan<G1Affine> bases, bool[]? negative, int[] digits, int offset, int lo, int hi, int c,
        int windows, int baseStride, int digitStride)
    {
        int buckets = 1 << (c - 1);
        var bucket = ArrayPool<G1Affine>.Shared.Rent(buckets);
        G1Jacobian[]? overflow = null;
        try
        {
            AccumulateBuckets(bases, negative, digits, offset, lo, hi, buckets, windows, baseStride, digitStride, bucket, ref overflow);
            return BucketReduction.Reduce([bucket], [overflow], 0, buckets);
        }
        finally
        {
            ArrayPool<G1Affine>.Shared.Return(bucket);
            if (overflow != null) ArrayPool<G1Jacobian>.Shared.Return(overflow);
        }
    }

    /// <summary>
    /// The bucket accumulation of <see cref="BatchAffine"/>: bucket w·<paramref name="bucketStride"/> + j (j &lt; 2^(c−1); all
    /// below <paramref name="buckets"/>) receives every point of row w's digit ±(j + 1) (negated for a negative digit or flag)
    /// as bucket[·] (affine) + overflow[·] (Jacobian; <paramref name="overflow"/> stays null unless a point overflowed, and is
    /// rented from the shared pool otherwise). Stride 0 puts every row into one set (a fixed-base table), stride 2^(c−1) gives
    /// each row its own range (<see cref="PooledWindows"/>).
    /// </summary>
    private static unsafe void AccumulateBuckets(ReadOnlySpan<G1Affine> bases, bool[]? negative, int[] digits, int offset, int lo, int hi, int buckets,
        int windows, int baseStride, int digitStride, G1Affine[] bucket, ref G1Jacobian[]? overflow, int bucketStride = 0)
    {
        int batch = BatchSize(buckets);
        var busy = ArrayPool<bool>.Shared.Rent(buckets);
        var pendIdx = ArrayPool<int>.Shared.Rent(batch);
        var pendPt = ArrayPool<G1Affine>.Shared.Rent(batch);
        // The eight-lane flush pads a batch to a multiple of 8 (its entries up to n8 = (count + 7) & ~7 are written).
        int batch8 = (batch + 7) & ~7;
        var den = ArrayPool<Fq>.Shared.Rent(batch8);
        var prefix = ArrayPool<Fq>.Shared.Rent(batch8);
        bool vector = UseVectorFlush;
        var num = vector ? ArrayPool<Fq>.Shared.Rent(batch8) : [];
        var inv = vector ? ArrayPool<Fq>.Shared.Rent(batch8) : [];
        // Kernel Avx2 or Avx512: the additions in 29-bit limb form throughout (AffineBatchAvx2, AffineBatchAvx512); else the
        // eight-lane products of FlushVector.
        var limbs = vector ? LimbFlushKind() : FqBatch.Mul8Kernel.Scalar;
        var scratch29 = limbs == FqBatch.Mul8Kernel.Avx2 ? ArrayPool<System.Runtime.Intrinsics.Vector256<ulong>>.Shared.Rent(AffineBatchAvx2.ScratchLength(batch)) : [];
        var scratch29x8 = limbs == FqBatch.Mul8Kernel.Avx512 ? ArrayPool<System.Runtime.Intrinsics.Vector512<ulong>>.Shared.Rent(AffineBatchAvx512.ScratchLength(batch)) : [];
        var queueIdx = ArrayPool<int>.Shared.Rent(batch);
        var queuePt = ArrayPool<G1Affine>.Shared.Rent(batch);
        var retryIdx = ArrayPool<int>.Shared.Rent(batch);
        var retryPt = ArrayPool<G1Affine>.Shared.Rent(batch);
        G1Jacobian[]? over = overflow; // rented on the first overflow; Infinity where unused
        try
        {
            Array.Clear(bucket, 0, buckets);
            Array.Clear(busy, 0, buckets);
            int count = 0, queued = 0;

            void Flush()
            {
                if (count == 0) return;
                if (limbs == FqBatch.Mul8Kernel.Avx512 && count >= FlushVectorMin) AffineBatchAvx512.Flush(bucket, busy, pendIdx, pendPt, false, count, scratch29x8);
                else if (limbs == FqBatch.Mul8Kernel.Avx2 && count >= FlushVectorMin) AffineBatchAvx2.Flush(bucket, busy, pendIdx, pendPt, false, count, scratch29);
                else if (vector && count >= FlushVectorMin) FlushVector();
                else FlushScalar();
                count = 0;
            }

            // One shared inversion per batch (Montgomery's trick) fused with the additions: the forward pass forms
            // each denominator and the running product before it; the backward pass peels one inverse off per
            // pending addition and applies it at once (no separate inversion pass over the batch).
            void FlushScalar()
            {
                var acc = Fq.One;
                for (int k = 0; k < count; k++)
                {
                    ref readonly var q = ref bucket[pendIdx[k]];
                    ref readonly var p = ref pendPt[k];
                    Fq d;
                    if (q.X != p.X) Fq.Sub(p.X, q.X, out d);
                    else if (q.Y == p.Y) Fq.Double(p.Y, out d); // doubling; y ≠ 0 on BN254 G1 (odd order)
                    else d = Fq.One; // opposite points: the sum is infinity
                    den[k] = d;
                    prefix[k] = acc;
                    Fq.Mul(acc, d, out acc);
                }
                Fq.InverseVartime(acc, out acc); // acc = (d_0 ⋯ d_(count−1))⁻¹; every d_k ≠ 0
                for (int k = count - 1; k >= 0; k--)
                {
                    Fq.Mul(acc, prefix[k], out var inv); // d_k⁻¹
                    Fq.Mul(acc, den[k], out acc);        // (d_0 ⋯ d_(k−1))⁻¹
                    int idx = pendIdx[k];
                    ref var bq = ref bucket[idx];
                    ref readonly var p = ref pendPt[k];
                    busy[idx] = false;
                    Fq lambda;
                    if (bq.X != p.X)
                    {
                        Fq.Sub(p.Y, bq.Y, out var num);
                        Fq.Mul(num, inv, out lambda);
                    }
                    else if (bq.Y == p.Y)
                    {
                        Fq.Square(p.X, out var xx);
                        Fq.Double(xx, out var num);
                        Fq.Add(num, xx, out num);
                        Fq.Mul(num, inv, out lambda);
                    }
                    else { bq = G1Affine.Infinity; continue; }
                    Fq.Square(lambda, out var x3);
                    Fq.Sub(x3, bq.X, out x3);
                    Fq.Sub(x3, p.X, out x3);
                    Fq.Sub(bq.X, x3, out var y3);
                    Fq.Mul(y3, lambda, out y3);
                    Fq.Sub(y3, bq.Y, out y3);
                    bq = new G1Affine(x3, y3);
                }
            }

            // The same additions with the batch's independent products done eight at a time (FqBatch.Mul8: AVX-512 lanes, two
            // four-lane AVX2 halves, or eight independent scalar products without either):
            // the inversion runs as eight interleaved Montgomery chains (lane l takes entries l, l + 8, …), whose eight
            // totals share one scalar inversion; then λ = num·d⁻¹, λ² and λ·(x_q − x3), eight additions at a time. Field results
            // are canonical, so every bucket ends up with exactly the limbs FlushScalar gives.
            void FlushVector() => FlushVectorCore(bucket, busy, pendIdx, pendPt, count, den, num, prefix, inv);

            void Overflow(int idx, in G1Affine p)
            {
                if (over == null)
                {
                    over = ArrayPool<G1Jacobian>.Shared.Rent(buckets);
                    var inf = G1Jacobian.Infinity;
                    for (int j = 0; j < buckets; j++) over[j] = inf;
                }
                G1Jacobian.AddMixed(over[idx], p, out over[idx]);
            }

            // Returns true when the batch is full and must be flushed.
            bool Put(int idx, in G1Affine p)
            {
                if (busy[idx])
                {
                    if (queued < batch) { queueIdx[queued] = idx; queuePt[queued] = p; queued++; }
                    else Overflow(idx, p);
                    return false;
                }
                if (bucket[idx].IsInfinity) { bucket[idx] = p; return false; }
                busy[idx] = true;
                pendIdx[count] = idx;
                pendPt[count] = p;
                return ++count == batch;
            }

            // After a flush no bucket is busy: retry the queued points once (those that collide again are re-queued).
            void Retry()
            {
                int m = queued;
                Array.Copy(queueIdx, retryIdx, m);
                Array.Copy(queuePt, retryPt, m);
                queued = 0;
                for (int k = 0; k < m; k++)
                    if (Put(retryIdx[k], retryPt[k])) Flush();
            }

            // Point i's signed digit d of a window: ±b into bucket |d| + bOff (the sign flipped for a negative scalar).
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            void AddDigit(int d, in G1Affine b, int bOff, int i)
            {
                if (d == 0 || b.IsInfinity) return;
                bool neg = d < 0;
                if (negative != null && negative[i]) neg = !neg;
                if (Put((d < 0 ? -d : d) + bOff, neg ? b.Negate() : b))
                {
                    Flush();
                    Retry();
                }
            }

            bool prefetch = System.Runtime.Intrinsics.X86.Sse.IsSupported;
            if (bucketStride != 0)
            {
                // Pooled windows (each with its own bucket range): point by point, every window of a point in turn, so that
                // consecutive additions spread over all the windows' buckets. Window by window, a batch met only one window's
                // 2^(c−1) buckets, and with small windows most of its points collided with a pending bucket and overflowed.
                for (int i = lo; i < hi; i++)
                    for (int w = 0; w < windows; w++) AddDigit(digits[offset + w * digitStride + i], bases[w * baseStride + i], w * bucketStride - 1, i);
            }
            else
            fixed (G1Affine* bucketAt = bucket)
            for (int w = 0; w < windows; w++)
            {
                int dRow = offset + w * digitStride, bRow = w * baseStride, bOff = w * bucketStride - 1;
                for (int i = lo; i < hi; i++)
                {
                    if (prefetch && i + PrefetchAhead < hi)
                    {
                        int ahead = digits[dRow + i + PrefetchAhead];
                        if (ahead != 0) System.Runtime.Intrinsics.X86.Sse.Prefetch0(bucketAt + ((ahead < 0 ? -ahead : ahead) + bOff));
                    }
                    AddDigit(digits[dRow + i], bases[bRow + i], bOff, i);
                }
            }
            Flush();
            Retry();
            Flush();
            for (int k = 0; k < queued; k++) Overflow(queueIdx[k], queuePt[k]);
        }
        finally
        {
            overflow = over;
            ArrayPool<bool>.Shared.Return(busy);
            ArrayPool<int>.Shared.Return(pendIdx);
            ArrayPool<G1Affine>.Shared.Return(pendPt);
            ArrayPool<Fq>.Shared.Return(den);
            ArrayPool<Fq>.Shared.Return(prefix);
            if (vector) { ArrayPool<Fq>.Shared.Return(num); ArrayPool<Fq>.Shared.Return(inv); }
            if (limbs == FqBatch.Mul8Kernel.Avx2) ArrayPool<System.Runtime.Intrinsics.Vector256<ulong>>.Shared.Return(scratch29);
            if (limbs == FqBatch.Mul8Kernel.Avx512) ArrayPool<System.Runtime.Intrinsics.Vector512<ulong>>.Shared.Return(scratch29x8);
            ArrayPool<int>.Shared.Return(queueIdx);
            ArrayPool<G1Affine>.Shared.Return(queuePt);
            ArrayPool<int>.Shared.Return(retryIdx);
            ArrayPool<G1Affine>.Shared.Return(retryPt);
        }
    }

    /// <summary>
    /// The eight-lane flush of <see cref="AccumulateBuckets"/>: the batch's independent products eight at a time
    /// (<see cref="FqBatch.Mul8"/>: AVX-512 lanes, two four-lane AVX2 halves, or eight independent scalar products without
    /// either). The inversion runs as eight interleaved Montgomery chains (lane l takes entries l, l + 8, …) whose eight totals
    /// share one scalar inversion; then, eight additions at a time, λ = num·d⁻¹, λ², x3 and λ·(x_q − x3), and the eight buckets
    /// are written while their values are still in the L1 cache. A static method over the arrays (not a closure) so that the
    /// JIT keeps them in registers. Field results are canonical, so every bucket ends up with exactly the limbs the scalar
    /// flush gives.
    /// </summary>
    private static void FlushVectorCore(G1Affine[] bucket, bool[] busy, int[] pendIdx, G1Affine[] pendPt, int count,
        Fq[] den, Fq[] num, Fq[] prefix, Fq[] inv)
    {
        int n8 = (count + 7) & ~7;
        FlushDenominators(bucket, pendIdx, pendPt, count, n8, den, num);
        FqBatch.InverseEach8(den.AsSpan(0, n8), prefix.AsSpan(0, n8), inv.AsSpan(0, n8));
        for (int j = 0; j < n8; j += 8)
        {
            // λ (into num), λ² (into prefix), then x3 (into den) and x_q − x3 (into inv), then y3 + y_q (into inv).
            FqBatch.Mul8(ref num[j], ref inv[j], ref num[j]);
            FqBatch.Mul8(ref num[j], ref num[j], ref prefix[j]);
            int end = Math.Min(count, j + 8);
            FlushX3(bucket, pendIdx, pendPt, j, end, prefix, den, inv);
            FqBatch.Mul8(ref inv[j], ref num[j], ref inv[j]);
            FlushWrite(bucket, busy, pendIdx, pendPt, j, end, den, inv);
        }
    }

    // The flush's scalar passes as small methods of their own: inlined into one body with the vector products, the JIT
    // spilled most of their limbs to the stack.

    /// <summary>den[k] = x_p − x_q and num[k] = y_p − y_q (doubling: 2y and 3x²; opposite points: 1 and 0), padded to n8.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FlushDenominators(G1Affine[] bucket, int[] pendIdx, G1Affine[] pendPt, int count, int n8, Fq[] den, Fq[] num)
    {
        for (int k = 0; k < count; k++)
        {
            ref readonly var q = ref bucket[pendIdx[k]];
            ref readonly var p = ref pendPt[k];
            if (!SameX(q, p))
            {
                Fq.Sub(p.X, q.X, out den[k]);
                Fq.Sub(p.Y, q.Y, out num[k]);
            }
            else if (q.Y == p.Y) DoublingSlope(p, out den[k], out num[k]);
            else { den[k] = Fq.One; num[k] = Fq.Zero; } // opposite points: the sum is infinity
        }
        for (int k = count; k < n8; k++) { den[k] = Fq.One; num[k] = Fq.Zero; }
    }

    /// <summary>For k in [j, end): den[k] = x3 = λ² − x_q − x_p (λ² in sq) and inv[k] = x_q − x3; inv padded to j + 8 with 0.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FlushX3(G1Affine[] bucket, int[] pendIdx, G1Affine[] pendPt, int j, int end, Fq[] sq, Fq[] den, Fq[] inv)
    {
        for (int k = j; k < end; k++)
        {
            ref readonly var xq = ref bucket[pendIdx[k]].X;
            Fq.Sub(sq[k], xq, out var x3);
            Fq.Sub(x3, pendPt[k].X, out x3);
            den[k] = x3;
            Fq.Sub(xq, x3, out inv[k]);
        }
        for (int k = end; k < j + 8; k++) inv[k] = default;
    }

    /// <summary>For k in [j, end): bucket = (x3, λ·(x_q − x3) − y_q), or infinity for opposite points; the bucket is free again.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FlushWrite(G1Affine[] bucket, bool[] busy, int[] pendIdx, G1Affine[] pendPt, int j, int end, Fq[] x3, Fq[] t)
    {
        for (int k = j; k < end; k++)
        {
            int idx = pendIdx[k];
            ref var bq = ref bucket[idx];
            busy[idx] = false;
            ref readonly var p = ref pendPt[k];
            if (SameX(bq, p) && bq.Y != p.Y) { bq = G1Affine.Infinity; continue; }
            Fq.Sub(t[k], bq.Y, out var y3);
            bq = new G1Affine(x3[k], y3);
        }
    }

    /// <summary>The doubling slope 3x²/(2y) of p as its denominator 2y (≠ 0: BN254 G1 has odd order) and numerator 3x².</summary>
    internal static void DoublingSlope(in G1Affine p, out Fq den, out Fq num)
    {
        Fq.Double(p.Y, out den);
        Fq.Square(p.X, out var xx);
        Fq.Double(xx, out var t);
        Fq.Add(t, xx, out num);
    }

    /// <summary>Whether two points have the same x (limb-wise, no early exit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool SameX(in G1Affine a, in G1Affine b)
        => ((a.X.L0 ^ b.X.L0) | (a.X.L1 ^ b.X.L1) | (a.X.L2 ^ b.X.L2) | (a.X.L3 ^ b.X.L3)) == 0;

    /// <summary>One window over points [lo, hi): bucket accumulation, then the running-sum reduction Σ j·B_j.</summary>
    private static G1Jacobian Window(ReadOnlySpan<G1Affine> bases, bool[]? negative, int[] digits, int offset, int lo, int hi, int c)
    {
        int buckets = 1 << (c - 1);
        var b = ArrayPool<G1Jacobian>.Shared.Rent(buckets);
        try
        {
            var inf = G1Jacobian.Infinity;
            for (int j = 0; j < buckets; j++) b[j] = inf;
            for (int i = lo; i < hi; i++)
            {
                int d = digits[offset + i];
                if (d == 0) continue;
                bool neg = d < 0;
                if (negative != null && negative[i]) neg = !neg;
                int idx = (d < 0 ? -d : d) - 1;
                if (neg) G1Jacobian.AddMixed(b[idx], bases[i].Negate(), out b[idx]);
                else G1Jacobian.AddMixed(b[idx], bases[i], out b[idx]);
            }
            var running = inf;
            var sum = inf;
            for (int j = buckets - 1; j >= 0; j--)
            {
                G1Jacobian.Add(running, b[j], out running);
                G1Jacobian.Add(sum, running, out sum);
            }
            return sum;
        }
        finally { ArrayPool<G1Jacobian>.Shared.Return(b); }
    }
}
