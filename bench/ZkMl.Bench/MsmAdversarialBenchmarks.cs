using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>
/// MSM at 2^16 points on one thread with adversarial scalar sets next to random ones: every scalar equal
/// (every window hits one bucket), every scalar r − 1, and every small scalar equal (a padded remainder
/// column 2^(k−1)). These must cost about what random scalars cost (no quadratic bucket collisions).
/// </summary>
public class MsmAdversarialBenchmarks
{
    private const int N = 1 << 16;
    private G1Affine[] _bases = [];
    private Fr[] _random = [], _equal = [], _minusOne = [];
    private long[] _smallEqual = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(5);
        _bases = BenchData.Points(rng, N);
        _random = BenchData.Scalars(rng, N);
        _equal = Enumerable.Repeat(Fr.Random(rng), N).ToArray();
        _minusOne = Enumerable.Repeat(-Fr.One, N).ToArray();
        _smallEqual = Enumerable.Repeat(128L, N).ToArray();
    }

    [Benchmark(Baseline = true)] public G1Jacobian Random() => Msm.Compute(_bases, _random, 1);
    [Benchmark] public G1Jacobian AllEqual() => Msm.Compute(_bases, _equal, 1);
    [Benchmark] public G1Jacobian AllMinusOne() => Msm.Compute(_bases, _minusOne, 1);
    [Benchmark] public G1Jacobian SmallAllEqual() => Msm.ComputeSmall(_bases, _smallEqual, 1);
}
