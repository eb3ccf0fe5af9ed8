using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>Scalar twin vs AVX2 path of the int8 small-matrix kernels at few columns (sets FrVector.SimdMinCols).</summary>
public class SmallMatVecThresholdBenchmarks
{
    private const int Rows = 64;
    private Fr[] _v = [], _vt = [], _out = [], _outT = [];
    private sbyte[] _m = [];

    /// <summary>Column count.</summary>
    [Params(4, 8, 16, 32)] public int Cols { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        _m = Enumerable.Range(0, Rows * Cols).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
        _v = BenchData.Scalars(rng, Cols);
        _vt = BenchData.Scalars(rng, Rows);
        _out = new Fr[Rows];
        _outT = new Fr[Cols];
    }

    [Benchmark] public void Scalar() => FrVector.SmallMatVecScalar(_m, Rows, Cols, _v, _out);
    [Benchmark] public void Avx2() => FrVector.SmallMatVecAvx2(_m, Rows, Cols, _v, _out);
    [Benchmark] public void TransposedScalar() => FrVector.SmallMatVecTransposedScalar(_m, Rows, Cols, _vt, _outT);
    [Benchmark] public void TransposedAvx2() => FrVector.SmallMatVecTransposedAvx2(_m, Rows, Cols, _vt, _outT);
}
