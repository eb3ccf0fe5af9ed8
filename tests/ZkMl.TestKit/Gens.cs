using System.Numerics;
using CsCheck;
using ZkMl.Algebra;
using ZkMl.Compiler.Model;

namespace ZkMl.TestKit;

/// <summary>
/// Shared CsCheck generators with shrinking: field elements (a quarter of them edge values: 0, 1, 2, r−1 / p−1,
/// (p±1)/2, 2^k and 2^k ± 1 around every limb boundary), curve points, float matrices and dense networks.
/// </summary>
public static class Gens
{
    /// <summary>Edge values of a prime field below <paramref name="p"/>: 0, 1, 2, p−1, p−2, (p±1)/2, p − 2^64,
    /// and 2^k, 2^k − 1, p − 2^k for k = 1…66 and every 31st k above, 2^k + 1 at the 64-bit limb boundaries.</summary>
    public static BigInteger[] EdgeValues(BigInteger p)
    {
        var list = new List<BigInteger> { 0, 1, 2, p - 1, p - 2, (p - 1) / 2, (p + 1) / 2, p - (BigInteger.One << 64) };
        for (int k = 1; k < 254; k += k < 66 ? 1 : 31) { list.Add(BigInteger.One << k); list.Add((BigInteger.One << k) - 1); list.Add(p - (BigInteger.One << k)); }
        foreach (int k in new[] { 63, 64, 127, 128, 191, 192, 252, 253 }) { list.Add(BigInteger.One << k); list.Add((BigInteger.One << k) + 1); }
        return list.Where(v => v.Sign >= 0 && v < p).Distinct().ToArray();
    }

    /// <summary>Canonical values in [0, p): one in four an edge value, the rest uniform (four 64-bit limbs
    /// reduced mod p; shrinking goes towards small limbs, i.e. small values).</summary>
    public static Gen<BigInteger> Canonical(BigInteger p)
    {
        var edges = EdgeValues(p);
        var uniform = Gen.Select(Gen.ULong, Gen.ULong, Gen.ULong, Gen.ULong, (a, b, c, d) =>
            ((new BigInteger(d) << 192) | (new BigInteger(c) << 128) | (new BigInteger(b) << 64) | new BigInteger(a)) % p);
        return Gen.Frequency((1, (IGen<BigInteger>)Gen.OneOf(edges)), (3, uniform));
    }

    /// <summary>Canonical values of the field <typeparamref name="T"/> as integers.</summary>
    public static Gen<BigInteger> Canonical<T>() where T : struct, IPrimeField<T> => Canonical(T.ModulusValue);

    /// <summary>Elements of the field <typeparamref name="T"/> (edge values included).</summary>
    public static Gen<T> Field<T>() where T : struct, IPrimeField<T> => Canonical<T>().Select(T.FromBigInteger);

    /// <summary>Scalars of BN254's Fr, r = 21888242871839275222246405745257275088548364400416034343698204186575808495617.</summary>
    public static readonly Gen<Fr> Fr = Field<Fr>();

    /// <summary>Base-field elements of BN254, p = 21888242871839275222246405745257275088696311157297823662689037894645226208583.</summary>
    public static readonly Gen<Fq> Fq = Field<Fq>();

    /// <summary>G1 points k·G for k from <see cref="Fr"/> (so 0 → infinity, 1 → G, r−1 → −G are among them).</summary>
    public static readonly Gen<G1Affine> G1 = Fr.Select(k => G1Jacobian.Generator.ScalarMul(k).ToAffine());

    /// <summary>G2 points k·G2 for k from <see cref="Fr"/>.</summary>
    public static readonly Gen<G2Affine> G2 = Fr.Select(k => G2Jacobian.Generator.ScalarMul(k).ToAffine());

    /// <summary>A row-major <paramref name="rows"/> × <paramref name="cols"/> matrix of floats in [−<paramref name="scale"/>, <paramref name="scale"/>].</summary>
    public static Gen<float[]> Matrix(int rows, int cols, float scale = 1f) => Gen.Float[-scale, scale].Array[rows * cols];

    /// <summary>Dense networks: 1…<paramref name="maxDepth"/> layers of widths 1…<paramref name="maxWidth"/>, any activation,
    /// weights in [−s, s] and biases in [−s/5, s/5] for a weight scale s in [0.1, 10].</summary>
    public static Gen<Network> Network(int maxDepth = 3, int maxWidth = 9) =>
        from depth in Gen.Int[1, maxDepth]
        from sizes in Gen.Int[1, maxWidth].Array[depth + 1]
        from acts in Gen.OneOf(Activation.None, Activation.Relu, Activation.Sigmoid, Activation.Tanh).Array[depth]
        from scale in Gen.Double[-1, 1].Select(e => (float)Math.Pow(10, e))
        from layers in Layers(sizes, acts, scale)
        select new Network(layers, "generated");

    private static Gen<List<DenseLayer>> Layers(int[] sizes, Activation[] acts, float scale)
    {
        Gen<List<DenseLayer>> acc = Gen.Const(() => new List<DenseLayer>());
        for (int l = 0; l < acts.Length; l++)
        {
            int n = sizes[l], m = sizes[l + 1];
            var act = acts[l];
            acc = from list in acc
                  from w in Matrix(n, m, scale)
                  from b in Matrix(1, m, scale / 5)
                  select new List<DenseLayer>(list) { new DenseLayer(n, m, w, b, act) };
        }
        return acc;
    }
}
