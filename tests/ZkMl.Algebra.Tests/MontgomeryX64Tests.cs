using System.Numerics;
using CsCheck;
using ZkMl.TestKit;

namespace ZkMl.Algebra.Tests;

/// <summary>
/// The machine-code Montgomery product (<see cref="MontgomeryX64"/>) against its C# twin (<c>MulManaged</c>) and
/// BigInteger, for both fields: every pair of edge values, random pairs, aliasing of the result with either input,
/// and the conditions under which it is used.
/// </summary>
public unsafe class MontgomeryX64Tests
{
    private static readonly BigInteger R = BigInteger.One << 256;

    private static bool MachineAllows => MachineCodeProduct.Expected;

    private static ulong[] Limbs(BigInteger v)
    {
        var bytes = new byte[32];
        v.TryWriteBytes(bytes, out _, isUnsigned: true);
        return [BitConverter.ToUInt64(bytes, 0), BitConverter.ToUInt64(bytes, 8), BitConverter.ToUInt64(bytes, 16), BitConverter.ToUInt64(bytes, 24)];
    }

    private static BigInteger Big(ulong l0, ulong l1, ulong l2, ulong l3) =>
        new BigInteger(l0) | (new BigInteger(l1) << 64) | (new BigInteger(l2) << 128) | (new BigInteger(l3) << 192);

    /// <summary>Raw limb values (representations, not field values): 0, 1, small, p − small, limb boundaries, near 2^253.</summary>
    private static BigInteger[] Edges(BigInteger p)
    {
        var e = new List<BigInteger> { 0, 1, 2, 3, p - 1, p - 2, p - 3, (p - 1) / 2, (p + 1) / 2, R % p, p - R % p, p - (BigInteger.One << 253) };
        foreach (int k in new[] { 32, 63, 64, 65, 127, 128, 129, 191, 192, 193, 252, 253 })
        {
            var v = BigInteger.One << k;
            e.AddRange([v, v - 1, v + 1, p - v]);
        }
        return e.Where(v => v >= 0 && v < p).Distinct().ToArray();
    }

    // One field's three products on raw limbs: the machine code, the C# twin, BigInteger (a·b·R⁻¹ mod p).
    private sealed record FieldCase(string Name, BigInteger P, Func<ulong[], ulong[], ulong[]> Native, Func<ulong[], ulong[], ulong[]> Managed);

    private static ulong[] CallNative(delegate* unmanaged[SuppressGCTransition]<ulong*, ulong*, ulong*, void> f, ulong[] a, ulong[] b)
    {
        var r = new ulong[4];
        fixed (ulong* pa = a, pb = b, pr = r) f(pr, pa, pb);
        return r;
    }

    private static FieldCase Case(string name) => name == "Fr"
        ? new("Fr", Fr.Modulus,
            (a, b) => CallNative(MontgomeryX64.FrMul, a, b),
            (a, b) => { Fr.MulManaged(new Fr(a[0], a[1], a[2], a[3]), new Fr(b[0], b[1], b[2], b[3]), out var r); return [r.L0, r.L1, r.L2, r.L3]; })
        : new("Fq", Fq.Modulus,
            (a, b) => CallNative(MontgomeryX64.FqMul, a, b),
            (a, b) => { Fq.MulManaged(new Fq(a[0], a[1], a[2], a[3]), new Fq(b[0], b[1], b[2], b[3]), out var r); return [r.L0, r.L1, r.L2, r.L3]; });

    public static TheoryData<string> Fields => ["Fr", "Fq"];

    [Fact]
    public void The_machine_code_is_in_use_exactly_where_the_machine_allows_it()
    {
        if (MachineAllows)
        {
            Assert.Null(MontgomeryX64.Unavailable);
            Assert.True(MontgomeryX64.FrMul != null && MontgomeryX64.FqMul != null);
        }
        else
        {
            Assert.NotNull(MontgomeryX64.Unavailable);
            Assert.True(MontgomeryX64.FrMul == null && MontgomeryX64.FqMul == null);
        }
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Every_pair_of_edge_values_and_random_pairs_give_the_BigInteger_product(string field)
    {
        var c = Case(field);
        var rInv = BigInteger.ModPow(R, c.P - 2, c.P);
        var values = Edges(c.P).ToList();
        var rng = new Random(4242);
        for (int i = 0; i < 300; i++)
        {
            var bytes = new byte[33];
            rng.NextBytes(bytes);
            bytes[32] = 0;
            values.Add(new BigInteger(bytes) % c.P);
        }
        foreach (var x in values)
            foreach (var y in values)
            {
                var expected = Limbs(x * y % c.P * rInv % c.P);
                Assert.Equal(expected, c.Managed(Limbs(x), Limbs(y)));
                if (MontgomeryX64.FrMul != null) Assert.Equal(expected, c.Native(Limbs(x), Limbs(y)));
            }
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void The_machine_code_agrees_with_its_twin_on_random_reduced_inputs(string field)
    {
        if (MontgomeryX64.FrMul == null) { Assert.False(MachineAllows); return; }
        var c = Case(field);
        var gen = Gen.Select(Gen.ULong.Array[4], Gen.ULong.Array[4], (a, b) =>
            (Limbs(Big(a[0], a[1], a[2], a[3]) % c.P), Limbs(Big(b[0], b[1], b[2], b[3]) % c.P)));
        gen.Sample(t => Assert.Equal(c.Managed(t.Item1, t.Item2), c.Native(t.Item1, t.Item2)), iter: 20_000);
    }

    [Fact]
    public void The_result_may_alias_either_input()
    {
        Assert.Equal(MachineAllows, MontgomeryX64.FrMul != null); // else this compares the C# product with itself
        var rng = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            Fr a = Fr.Random(rng), b = Fr.Random(rng);
            Fr.MulManaged(a, b, out var ab);
            Fr.MulManaged(a, a, out var aa);
            Fr x = a; Fr.Mul(x, b, out x); Assert.Equal(ab, x);
            Fr y = b; Fr.Mul(a, y, out y); Assert.Equal(ab, y);
            Fr z = a; Fr.Mul(z, z, out z); Assert.Equal(aa, z);
            Fr s = a; Fr.Square(s, out s); Assert.Equal(aa, s);
            Fq qa = Fq.Random(rng), qb = Fq.Random(rng);
            Fq.MulManaged(qa, qb, out var qab);
            Fq q = qa; Fq.Mul(q, qb, out q); Assert.Equal(qab, q);
            q = qb; Fq.Mul(qa, q, out q); Assert.Equal(qab, q);
        }
    }

    [Fact]
    public void The_products_of_array_elements_match_the_twin()
    {
        // Inputs and results inside managed arrays (the machine code gets pinned pointers into the heap).
        Assert.Equal(MachineAllows, MontgomeryX64.FrMul != null);
        var rng = new Random(8);
        var a = Enumerable.Range(0, 4096).Select(_ => Fr.Random(rng)).ToArray();
        var b = Enumerable.Range(0, 4096).Select(_ => Fr.Random(rng)).ToArray();
        var r = new Fr[4096];
        for (int i = 0; i < a.Length; i++) Fr.Mul(a[i], b[i], out r[i]);
        for (int i = 0; i < a.Length; i++) { Fr.MulManaged(a[i], b[i], out var e); Assert.Equal(e, r[i]); }
    }

    [Fact]
    public void The_result_is_written_to_its_32_bytes_and_nowhere_else()
    {
        if (MontgomeryX64.FrMul == null) { Assert.False(MachineAllows); return; }
        var rng = new Random(9);
        for (int i = 0; i < 100; i++)
        {
            Fr a = Fr.Random(rng), b = Fr.Random(rng);
            Fr.MulManaged(a, b, out var e);
            var buffer = new ulong[12];
            Array.Fill(buffer, 0xA5A5A5A5A5A5A5A5UL);
            fixed (ulong* r = buffer) MontgomeryX64.FrMul(r + 4, (ulong*)&a, (ulong*)&b);
            Assert.Equal(new[] { e.L0, e.L1, e.L2, e.L3 }, buffer[4..8]);
            Assert.All(buffer[..4].Concat(buffer[8..]), w => Assert.Equal(0xA5A5A5A5A5A5A5A5UL, w));
        }
    }

    [Fact]
    public void The_emitter_refuses_a_modulus_without_two_spare_bits_or_a_wrong_inverse()
    {
        Assert.Throws<ArgumentException>(() => MontgomeryX64.Emit([1, 0, 0, 1UL << 62], ulong.MaxValue));
        Assert.Throws<ArgumentException>(() => MontgomeryX64.Emit([1, 0, 0], ulong.MaxValue));
        Assert.Throws<ArgumentException>(() => MontgomeryX64.Emit([Fr.P0 + 1, Fr.P1, Fr.P2, Fr.P3], Fr.Inv)); // even
        Assert.Throws<ArgumentException>(() => MontgomeryX64.Emit([Fr.P0, Fr.P1, Fr.P2, Fr.P3], Fq.Inv));     // not −p⁻¹
        var code = MontgomeryX64.Emit([Fr.P0, Fr.P1, Fr.P2, Fr.P3], Fr.Inv);
        Assert.InRange(code.Length, 200, 1024); // fits the 1 KiB slot of its page
        Assert.Equal(new byte[] { 0xF3, 0x0F, 0x1E, 0xFA }, code[..4]); // endbr64 first
    }
}
