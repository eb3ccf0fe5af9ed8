using System.Numerics;

namespace ZkMl.Algebra;

/// <summary>
/// The operations shared by the generated prime fields (<see cref="Fr"/>, <see cref="Fq"/>), so that
/// tests and generic code can be written once over both fields. Each member has the semantics
/// documented on the concrete structs.
/// </summary>
/// <typeparam name="T">The field element type itself.</typeparam>
public interface IPrimeField<T> where T : struct, IPrimeField<T>
{
    /// <summary>The additive identity.</summary>
    static abstract T Zero { get; }
    /// <summary>The multiplicative identity.</summary>
    static abstract T One { get; }
    /// <summary>The modulus p.</summary>
    static abstract BigInteger ModulusValue { get; }
    /// <summary>True for zero.</summary>
    bool IsZero { get; }
    /// <summary>True for one.</summary>
    bool IsOne { get; }
    /// <summary>r = a + b.</summary>
    static abstract void Add(in T a, in T b, out T r);
    /// <summary>r = a − b.</summary>
    static abstract void Sub(in T a, in T b, out T r);
    /// <summary>r = a · b.</summary>
    static abstract void Mul(in T a, in T b, out T r);
    /// <summary>r = a².</summary>
    static abstract void Square(in T a, out T r);
    /// <summary>r = −a.</summary>
    static abstract void Neg(in T a, out T r);
    /// <summary>r = 2a.</summary>
    static abstract void Double(in T a, out T r);
    /// <summary>r = a⁻¹ (zero for zero).</summary>
    static abstract void Inverse(in T a, out T r);
    /// <summary>Inverts every element in place (zeros stay zero).</summary>
    static abstract void BatchInverse(Span<T> values);
    /// <summary>r = a^e, e as little-endian 64-bit limbs.</summary>
    static abstract void Pow(in T a, ReadOnlySpan<ulong> exponent, out T r);
    /// <summary>A square root of a; false if a is not a square.</summary>
    static abstract bool Sqrt(in T a, out T r);
    /// <summary>v mod p.</summary>
    static abstract T FromInt64(long v);
    /// <summary>v mod p.</summary>
    static abstract T FromUInt64(ulong v);
    /// <summary>v mod p (negative values wrap).</summary>
    static abstract T FromBigInteger(BigInteger v);
    /// <summary>Decodes 32 canonical big-endian bytes.</summary>
    static abstract T FromBytesBigEndian(ReadOnlySpan<byte> bytes);
    /// <summary>Decodes 32 canonical little-endian bytes.</summary>
    static abstract T FromBytesLittleEndian(ReadOnlySpan<byte> bytes);
    /// <summary>Decodes 32 canonical big-endian bytes; false if invalid.</summary>
    static abstract bool TryFromBytesBigEndian(ReadOnlySpan<byte> bytes, out T r);
    /// <summary>Decodes 32 canonical little-endian bytes; false if invalid.</summary>
    static abstract bool TryFromBytesLittleEndian(ReadOnlySpan<byte> bytes, out T r);
    /// <summary>32 big-endian bytes reduced mod p.</summary>
    static abstract T FromBytesBigEndianReduced(ReadOnlySpan<byte> bytes);
    /// <summary>A uniformly random element.</summary>
    static abstract T Random(Random rng);
    /// <summary>The canonical value in [0, p).</summary>
    BigInteger ToBigInteger();
    /// <summary>The canonical value in (−p/2, p/2].</summary>
    BigInteger ToSignedBigInteger();
    /// <summary>32 canonical big-endian bytes.</summary>
    byte[] ToBytesBigEndian();
    /// <summary>32 canonical little-endian bytes.</summary>
    byte[] ToBytesLittleEndian();
    /// <summary>this^e for e ≥ 0.</summary>
    T Pow(BigInteger e);
}
