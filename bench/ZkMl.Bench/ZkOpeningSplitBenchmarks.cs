using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;
using ZkMl.Proofs;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Bench;

/// <summary>
/// Issue 17: the ZK batched opening (sumcheck + hiding HyperKZG) at the vector shapes of the MNIST private-input proof at
/// B = 1024, and at the shapes two splits of its vectors would give (bench/README.md "Issue 17: what splitting the private
/// input buys"). Random entries on each vector's used prefix, three eq claims per logical vector (a split vector's claim is
/// its two halves' terms (1 − z_0)·eq(z′) and z_0·eq(z′)), four model parts of 2^15; the mask as the inference prover
/// samples it (confined to L* = max(L, 3·2^(N−2) + 1) below 2^N, else unconfined). Placeholder commitments (timing only).
/// <list type="bullet">
/// <item>today: W1 528,384 and W2 528,804 entries (2^20 vectors), X′ and W3 802,816 (2^20): N = 20, L* = 802,816;</item>
/// <item>split-x: X′ and W3 split at their top variable into 2^19 halves: N stays 20, so L* = 3·2^18 + 1 = 786,433;</item>
/// <item>split-all: W1 and W2 split too (their high halves hold 4,096 and 4,516 entries): N = 19, the unconfined mask over 2^19.</item>
/// </list>
/// Run: <c>dotnet run -c Release --project bench/ZkMl.Bench -- --filter '*ZkOpeningSplit*'</c> (setup builds a 2^20 SRS).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class ZkOpeningSplitBenchmarks
{
    [Params("today", "split-x", "split-all")]
    public string Shape = "today";

    /// <summary>One 2^20 development SRS per process (with --inProcess the three shapes share it).</summary>
    private static readonly Lazy<Srs> SharedSrs = new(() => Srs.CreateInsecureDev(1 << 20, seed: 3));

    private Srs _srs = null!;
    private List<ZkOpeningVector> _vectors = null!;
    private List<ZkOpeningWitness> _witnesses = null!;
    private List<ZkOpeningClaim> _claims = null!;
    private G1Affine[] _maskPoints = null!;
    private int _numVars;
    private long _maskLength;
    private ZkOpeningMask _mask = null!;
    private readonly Dictionary<int, IReadOnlyList<G1Affine>> _levelPoints = [];

    [GlobalSetup]
    public void Setup()
    {
        _srs = SharedSrs.Value;
        var rng = new Random(1);
        Fr[] Vector(int n, long used) { var v = new Fr[1 << n]; for (long i = 0; i < used; i++) v[i] = Fr.Random(rng); return v; }
        Fr[] Point(int n) { var z = new Fr[n]; for (int i = 0; i < n; i++) z[i] = Fr.Random(rng); return z; }
        _vectors = [];
        _witnesses = [];
        _claims = [];
        for (int j = 0; j < 4; j++)
        {
            _vectors.Add(new($"model part {j}", G1Affine.Generator, 15));
            _witnesses.Add(new(Vector(15, 1 << 15), Fr.Random(rng)));
            _claims.Add(ZkOpeningClaim.At(j, Point(15), Fr.Random(rng)));
        }
        (string Name, long Used)[] logical = [("W1", 528_384), ("W2", 528_804), ("X", 802_816), ("W3", 802_816)];
        foreach (var (name, used) in logical)
        {
            bool split = Shape == "split-all" || (Shape == "split-x" && name is "X" or "W3");
            int g = _vectors.Count;
            if (!split)
            {
                _vectors.Add(new(name, G1Affine.Generator, 20));
                _witnesses.Add(new(Vector(20, used), Fr.Random(rng)));
                for (int c = 0; c < 3; c++) _claims.Add(ZkOpeningClaim.At(g, Point(20), Fr.Random(rng)));
                continue;
            }
            _vectors.Add(new(name + " low half", G1Affine.Generator, 19));
            _witnesses.Add(new(Vector(19, 1 << 19), Fr.Random(rng)));
            _vectors.Add(new(name + " high half", G1Affine.Generator, 19));
            _witnesses.Add(new(Vector(19, used - (1 << 19)), Fr.Random(rng)));
            for (int c = 0; c < 3; c++)
            {
                var z = Point(20);
                _claims.Add(new([new ZkClaimTerm(g, Fr.One - z[0], OpeningWeight.Eq(z[1..])), new ZkClaimTerm(g + 1, z[0], OpeningWeight.Eq(z[1..]))], Fr.Random(rng)));
            }
        }
        _numVars = _vectors.Max(v => v.NumVars);
        long usedPrefix = _witnesses.Max(w => (long)w.Values.AsSpan().LastIndexOfAnyExcept(Fr.Zero) + 1);
        _maskLength = Math.Min(1L << _numVars, Math.Max(usedPrefix, ZkOpeningMask.MinConfinedLength(_numVars)));
        _maskPoints = ZkOpeningSetup.MaskPoints(_srs, _numVars, _maskLength);
        Console.WriteLine($"// {Shape}: N = {_numVars}, used prefix L = {usedPrefix}, L* = {_maskLength}, {_vectors.Count} vectors");
    }

    /// <summary>A fresh mask per proof (a mask is single-use), outside the timed opening as in the inference prover's "batched opening" stage.</summary>
    [IterationSetup]
    public void SampleMask()
        => _mask = _maskLength < 1L << _numVars
            ? ZkOpeningMask.SampleConfined(_srs, _maskPoints, _numVars, _maskLength)
            : ZkOpeningMask.Sample(_srs, LevelPoints, _numVars);

    /// <summary>The unconfined mask's points for n variables (N and the fold levels), cached as a proving key holds them.</summary>
    private IReadOnlyList<G1Affine> LevelPoints(int n)
    {
        lock (_levelPoints)
        {
            if (n == _numVars) return _maskPoints;
            if (!_levelPoints.TryGetValue(n, out var pts)) _levelPoints[n] = pts = ZkOpeningSetup.MaskPoints(_srs, n);
            return pts;
        }
    }

    [Benchmark]
    public ZkBatchOpeningProof Open()
    {
        // bindStatement: the opening absorbs the vectors, the claims and C_D1, C_D2 itself (the inference prover has done so before)
        return ZkBatchOpening.Prove(_srs, new Transcript("bench/zk-opening-split"), _vectors, _witnesses, _claims, _mask, bindStatement: true);
    }
}
