using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>
/// <c>Msm.Run</c> on random full scalars (all threads) at the window the cost model chooses (Window = 0) and at fixed windows:
/// c = 8 and c = 15 leave the top window of a 254-bit scalar full (255 = 32·8 − 1 = 17·15), c = 13 leaves it 8 bits (128 buckets
/// for batches of 1,024), c = 11 two bits (session 30: <c>ChooseWindow</c>'s top-window term and the pooled accumulation's order).
/// </summary>
public class MsmWindowBenchmarks
{
    [Params(2048, 65856)]
    public int N { get; set; }

    [Params(0, 8, 11, 13, 15)]
    public int Window { get; set; }

    private G1Affine[] _bases = [];
    private ulong[] _limbs = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3); // as MsmBenchmarks
        _bases = BenchData.Points(rng, N);
        var scalars = BenchData.Scalars(rng, N);
        _limbs = new ulong[4 * N];
        for (int i = 0; i < N; i++) scalars[i].ToCanonicalLimbs(out _limbs[4 * i], out _limbs[4 * i + 1], out _limbs[4 * i + 2], out _limbs[4 * i + 3]);
    }

    [Benchmark] public G1Jacobian Full() => Msm.Run(_bases, _limbs, 4, null, 254, null, Window == 0 ? null : Window);
}
