using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Bench;

/// <summary>
/// HyperKZG commit / open / verify at 2^16 and 2^18 entries, full scalars and small integers,
/// against one full-scalar MSM of the same size (target: open ≤ 5 × MSM).
/// Run: <c>dotnet run -c Release --project bench/ZkMl.Bench -- --filter '*HyperKzg*'</c>.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class HyperKzgBenchmarks
{
    private static readonly Dictionary<int, Srs> SrsCache = new();

    [Params(16, 18)]
    public int LogN;

    private Srs _srs = null!;
    private Fr[] _full = null!;
    private long[] _small = null!;
    private Fr[] _smallAsFr = null!;
    private Fr[] _point = null!;
    private Fr _yFull, _ySmall;
    private G1Affine _cFull, _cSmall;
    private HyperKzgProof _proof = null!;

    [GlobalSetup]
    public void Setup()
    {
        int n = 1 << LogN;
        lock (SrsCache)
        {
            if (!SrsCache.TryGetValue(n, out var srs)) SrsCache[n] = srs = Srs.CreateInsecureDev(n - 1, seed: 1);
            _srs = srs;
        }
        var rng = new Random(LogN);
        _full = new Fr[n];
        _small = new long[n];
        for (int i = 0; i < n; i++) { _full[i] = Fr.Random(rng); _small[i] = rng.Next(-128, 128); }
        _smallAsFr = _small.Select(Fr.FromInt64).ToArray();
        _point = new Fr[LogN];
        for (int i = 0; i < LogN; i++) _point[i] = Fr.Random(rng);
        _yFull = Evaluate(_full, _point);
        _ySmall = Evaluate(_smallAsFr, _point);
        _cFull = HyperKzg.Commit(_srs, _full);
        _cSmall = HyperKzg.CommitSmall(_srs, _small);
        _proof = HyperKzg.Prove(_srs, new Transcript("bench"), _cFull, _full, _point, _yFull);
    }

    private static Fr Evaluate(Fr[] v, Fr[] x)
    {
        var t = (Fr[])v.Clone();
        int len = t.Length;
        // Bind the most significant variable first (point coordinate 0).
        foreach (var xi in x)
        {
            len /= 2;
            for (int j = 0; j < len; j++) t[j] = t[j] + xi * (t[j + len] - t[j]);
        }
        return t[0];
    }

    [Benchmark(Baseline = true, Description = "MSM full scalars (baseline)")]
    public G1Jacobian MsmFull() => Msm.Compute(_srs.G1Powers, _full);

    [Benchmark(Description = "commit full scalars")]
    public G1Affine CommitFull() => HyperKzg.Commit(_srs, _full);

    [Benchmark(Description = "commit int8 values")]
    public G1Affine CommitSmall() => HyperKzg.CommitSmall(_srs, _small);

    [Benchmark(Description = "open full scalars")]
    public HyperKzgProof OpenFull() => HyperKzg.Prove(_srs, new Transcript("bench"), _cFull, _full, _point, _yFull);

    [Benchmark(Description = "open int8 values")]
    public HyperKzgProof OpenSmall() => HyperKzg.Prove(_srs, new Transcript("bench"), _cSmall, _smallAsFr, _point, _ySmall);

    [Benchmark(Description = "verify")]
    public bool Verify() => HyperKzg.Verify(KzgVerifierKey.From(_srs), new Transcript("bench"), _cFull, _point, _yFull, _proof, out _);
}
