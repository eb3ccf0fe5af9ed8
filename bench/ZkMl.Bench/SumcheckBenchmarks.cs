using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;
using ZkMl.Proofs.Polynomials;
using ZkMl.Proofs.Sumcheck;
using ZkMl.Proofs.Transcripts;

namespace ZkMl.Bench;

/// <summary>
/// Sumcheck prover for Σ_x A(x)·B(x) (degree 2, two dense MLEs of 2^LogSize entries) and the zero-check form
/// Σ eq(τ,x)·(A·B − C) with Gruen's trick; plus the verifier. Run:
/// <c>dotnet run -c Release --project bench/ZkMl.Bench -- --filter '*Sumcheck*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class SumcheckBenchmarks
{
    private Fr[] _a = [], _b = [], _c = [], _tau = [];
    private Fr _claim, _zeroClaim;
    private List<DenseMle> _inputs = [];
    private SumcheckProof _proof = new([]);
    private static readonly ProductSum Product = new(2, [new(Fr.One, [0, 1])]);
    private static readonly ProductSum Relation = new(3, [new(Fr.One, [0, 1]), new(-Fr.One, [2])]);

    [Params(16, 20)]
    public int LogSize;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        int n = 1 << LogSize;
        _a = new Fr[n]; _b = new Fr[n]; _c = new Fr[n];
        _claim = Fr.Zero;
        for (int i = 0; i < n; i++)
        {
            _a[i] = Fr.Random(rng);
            _b[i] = Fr.Random(rng);
            _c[i] = _a[i] * _b[i];
            _claim += _c[i];
        }
        _tau = BenchData.Scalars(rng, LogSize);
        _zeroClaim = Fr.Zero;
        _proof = SumcheckProver.Prove(new Transcript("bench"), Product, [new DenseMle((Fr[])_a.Clone()), new DenseMle((Fr[])_b.Clone())], _claim).Proof;
    }

    [IterationSetup(Targets = [nameof(ProveProduct)])]
    public void CloneTwo() => _inputs = [new DenseMle((Fr[])_a.Clone()), new DenseMle((Fr[])_b.Clone())];

    [IterationSetup(Targets = [nameof(ProveZeroCheck)])]
    public void CloneThree() => _inputs = [new DenseMle((Fr[])_a.Clone()), new DenseMle((Fr[])_b.Clone()), new DenseMle((Fr[])_c.Clone())];

    [Benchmark]
    public SumcheckProverOutput ProveProduct() => SumcheckProver.Prove(new Transcript("bench"), Product, _inputs, _claim);

    [Benchmark]
    public SumcheckProverOutput ProveZeroCheck() => SumcheckProver.ProveZeroCheck(new Transcript("bench"), Relation, _inputs, _tau, _zeroClaim);

    [Benchmark]
    public SumcheckResult Verify() => SumcheckVerifier.Verify(new Transcript("bench"), _claim, LogSize, 2, _proof);
}
