using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;

namespace ZkMl.Bench;

/// <summary>Fr arithmetic; each op is a dependent chain of 1000 so the figure is per-op latency (÷1000).</summary>
[MemoryDiagnoser]
public class FieldBenchmarks
{
    private Fr _a, _b;

    [GlobalSetup]
    public void Setup() { var rng = new Random(1); _a = Fr.Random(rng); _b = Fr.Random(rng); }

    [Benchmark(OperationsPerInvoke = 1000)]
    public Fr Mul() { var x = _a; for (int i = 0; i < 1000; i++) Fr.Mul(x, _b, out x); return x; }

    [Benchmark(OperationsPerInvoke = 1000)]
    public Fr Square() { var x = _a; for (int i = 0; i < 1000; i++) Fr.Square(x, out x); return x; }

    [Benchmark(OperationsPerInvoke = 1000)]
    public Fr Add() { var x = _a; for (int i = 0; i < 1000; i++) Fr.Add(x, _b, out x); return x; }

    [Benchmark]
    public Fr Inverse() => _a.Inverse();

    [Benchmark(Baseline = true, OperationsPerInvoke = 1000)]
    public System.Numerics.BigInteger BigIntegerMulMod()
    {
        var p = Fr.Modulus; var x = _a.ToBigInteger(); var y = _b.ToBigInteger();
        for (int i = 0; i < 1000; i++) x = x * y % p;
        return x;
    }
}
