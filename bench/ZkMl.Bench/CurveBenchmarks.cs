using BenchmarkDotNet.Attributes;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;

namespace ZkMl.Bench;

/// <summary>G1 group operations, the pairing and the 2-pair pairing check (BN254).</summary>
[MemoryDiagnoser]
public class CurveBenchmarks
{
    private G1Jacobian _acc;
    private G1Affine _p, _p2;
    private G2Affine _q;
    private Fr _k;
    private Fq12 _f;
    private byte[] _pairingInput = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _acc = G1Jacobian.Generator.ScalarMul(Fr.Random(rng));
        _p = Fr.Random(rng) * G1Affine.Generator;
        _k = Fr.Random(rng);
        _q = Fr.Random(rng) * G2Affine.Generator;
        _p2 = _p.Negate();
        _f = Pairing.MillerLoop([_p], [_q]);
        _pairingInput = [.. EvmEncoding.EncodeG1(_p), .. EvmEncoding.EncodeG2(_q), .. EvmEncoding.EncodeG1(_p2), .. EvmEncoding.EncodeG2(_q)];
    }

    /// <summary>Baseline: one base-field multiplication, to put the curve figures in field-mul units.</summary>
    [Benchmark(Baseline = true)]
    public Fq FqMul()
    {
        Fq.Mul(_p.X, _p.Y, out var r);
        return r;
    }

    [Benchmark]
    public G1Jacobian G1MixedAdd()
    {
        G1Jacobian.AddMixed(_acc, _p, out var r);
        return r;
    }

    [Benchmark]
    public G1Jacobian G1Double()
    {
        G1Jacobian.Double(_acc, out var r);
        return r;
    }

    [Benchmark]
    public G1Jacobian G1ScalarMul() => _acc.ScalarMul(_k);

    [Benchmark]
    public Fq12 Pairing1() => Pairing.Compute(_p, _q);

    [Benchmark]
    public bool PairingCheck2() => Pairing.CheckProduct([_p, _p2], [_q, _q]);

    /// <summary>The Miller loop of one pair alone (Pairing1 = MillerLoop1 + FinalExponentiation).</summary>
    [Benchmark]
    public Fq12 MillerLoop1() => Pairing.MillerLoop([_p], [_q]);

    [Benchmark]
    public Fq12 FinalExponentiation()
    {
        Pairing.FinalExponentiation(_f, out var r);
        return r;
    }

    [Benchmark]
    public bool G2SubgroupCheck() => _q.IsInSubgroup;

    /// <summary>The full ecPairing precompile on 2 pairs, including decoding and the G2 subgroup checks.</summary>
    [Benchmark]
    public bool EcPairing2() => Precompiles.TryEcPairing(_pairingInput, out _);
}
