using ZkMl.Algebra;

namespace ZkMl.Proofs;

/// <summary>
/// Many multiples k_i·G of the G1 generator (used to build a development SRS): a table of
/// j·2^(8w)·G for the 32 byte positions w and j &lt; 256, then one addition of a table entry per byte of each scalar
/// (32 batch-affine rounds).
/// </summary>
internal static class FixedBaseG1
{
    private static readonly Lazy<G1Affine[]> Table = new(BuildTable);

    private static G1Affine[] BuildTable()
    {
        var jac = new G1Jacobian[32 * 256];
        var b = G1Jacobian.Generator;
        for (int w = 0; w < 32; w++)
        {
            jac[w * 256] = G1Jacobian.Infinity;
            for (int j = 1; j < 256; j++) jac[w * 256 + j] = jac[w * 256 + j - 1] + b;
            for (int k = 0; k < 8; k++) b = b.Double();
        }
        var t = new G1Affine[jac.Length];
        G1Jacobian.BatchToAffine(jac, t);
        return t;
    }

    /// <summary>
    /// Returns k_i·G (affine) for every scalar: per chunk of 1,024 scalars, 32 rounds of batch-affine additions acc_i +=
    /// table[w][byte w of k_i] (<see cref="BucketReduction.AddInPlace"/>: one inversion per round, the products in vector
    /// lanes; infinity, doubling and opposite points handled), instead of 32 Jacobian mixed additions per scalar.
    /// </summary>
    public static G1Affine[] MulGenerator(ReadOnlySpan<Fr> scalars)
    {
        var table = Table.Value;
        int n = scalars.Length;
        var ks = scalars.ToArray();
        var res = new G1Affine[n]; // infinity
        const int Chunk = 1024;
        Parallel.For(0, (n + Chunk - 1) / Chunk, chunk =>
        {
            int lo = chunk * Chunk, len = Math.Min(n, lo + Chunk) - lo;
            var acc = res.AsSpan(lo, len);
            var add = new G1Affine[len];
            var scratch = new Fq[2 * len];
            var bytes = new byte[32 * len];
            for (int i = 0; i < len; i++) ks[lo + i].WriteLittleEndian(bytes.AsSpan(32 * i, 32));
            for (int w = 0; w < 32; w++)
            {
                for (int i = 0; i < len; i++) add[i] = table[w * 256 + bytes[32 * i + w]]; // entry 0 of a row is infinity
                BucketReduction.AddInPlace(acc, add, scratch);
            }
        });
        return res;
    }
}
