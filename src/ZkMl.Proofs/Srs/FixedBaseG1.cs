using ZkMl.Algebra;

namespace ZkMl.Proofs;

/// <summary>
/// Many multiples k_i·G of the G1 generator (used to build a development SRS): a table of
/// j·2^(8w)·G for the 32 byte positions w and j &lt; 256, then 32 mixed additions per scalar.
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

    /// <summary>Returns k_i·G (affine) for every scalar.</summary>
    public static G1Affine[] MulGenerator(ReadOnlySpan<Fr> scalars)
    {
        var table = Table.Value;
        int n = scalars.Length;
        var ks = scalars.ToArray();
        var jac = new G1Jacobian[n];
        Parallel.For(0, (n + 1023) / 1024, chunk =>
        {
            int end = Math.Min(n, (chunk + 1) * 1024);
            Span<byte> bytes = stackalloc byte[32];
            for (int i = chunk * 1024; i < end; i++)
            {
                ks[i].WriteLittleEndian(bytes);
                var acc = G1Jacobian.Infinity;
                for (int w = 0; w < 32; w++)
                    if (bytes[w] != 0) G1Jacobian.AddMixed(acc, table[w * 256 + bytes[w]], out acc);
                jac[i] = acc;
            }
        });
        var res = new G1Affine[n];
        G1Jacobian.BatchToAffine(jac, res);
        return res;
    }
}
