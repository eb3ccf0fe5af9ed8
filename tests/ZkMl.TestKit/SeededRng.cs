using System.Security.Cryptography;

namespace ZkMl.TestKit;

/// <summary>
/// A seeded generator for tests only (reproducible masks and blindings); production code draws every mask and blinding
/// from the OS CSPRNG and takes a generator only through internal overloads.
/// </summary>
public sealed class SeededRng(int seed) : RandomNumberGenerator
{
    private readonly Random _r = new(seed);

    public override void GetBytes(byte[] data) => _r.NextBytes(data);

    public override void GetBytes(Span<byte> data) => _r.NextBytes(data);

    public override void GetBytes(byte[] data, int offset, int count) => _r.NextBytes(data.AsSpan(offset, count));

    public override void GetNonZeroBytes(byte[] data) => throw new NotSupportedException("tests draw masks with GetBytes only");
}
