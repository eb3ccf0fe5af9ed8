using System.Buffers.Binary;
using System.Numerics;

namespace ZkMl.Bench;

/// <summary>
/// The hand-written Ethereum Keccak-256 the project used before BouncyCastle (fully unrolled Keccak-f[1600],
/// two rounds per loop iteration), kept here as the baseline of <see cref="KeccakBenchmarks"/>.
/// </summary>
internal sealed class HandWrittenKeccak256
{
    public const int Rate = 136;
    private const int RateLanes = Rate / 8;

    private static readonly ulong[] RoundConstants =
    [
        0x0000000000000001UL, 0x0000000000008082UL, 0x800000000000808AUL, 0x8000000080008000UL,
        0x000000000000808BUL, 0x0000000080000001UL, 0x8000000080008081UL, 0x8000000000008009UL,
        0x000000000000008AUL, 0x0000000000000088UL, 0x0000000080008009UL, 0x000000008000000AUL,
        0x000000008000808BUL, 0x800000000000008BUL, 0x8000000000008089UL, 0x8000000000008003UL,
        0x8000000000008002UL, 0x8000000000000080UL, 0x000000000000800AUL, 0x800000008000000AUL,
        0x8000000080008081UL, 0x8000000000008080UL, 0x0000000080000001UL, 0x8000000080008008UL,
    ];

    private readonly ulong[] _state = new ulong[25];
    private readonly byte[] _buffer = new byte[Rate];
    private int _buffered;

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        Span<ulong> state = stackalloc ulong[25];
        state.Clear();
        while (data.Length >= Rate)
        {
            AbsorbBlock(state, data[..Rate]);
            data = data[Rate..];
        }
        Span<byte> last = stackalloc byte[Rate];
        last.Clear();
        data.CopyTo(last);
        Pad(last, data.Length);
        AbsorbBlock(state, last);
        Squeeze(state, destination);
    }

    public void Update(ReadOnlySpan<byte> data)
    {
        if (_buffered > 0)
        {
            int take = Math.Min(Rate - _buffered, data.Length);
            data[..take].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += take;
            data = data[take..];
            if (_buffered < Rate) return;
            AbsorbBlock(_state, _buffer);
            _buffered = 0;
        }
        while (data.Length >= Rate)
        {
            AbsorbBlock(_state, data[..Rate]);
            data = data[Rate..];
        }
        data.CopyTo(_buffer);
        _buffered = data.Length;
    }

    public void Finish(Span<byte> destination)
    {
        var block = _buffer.AsSpan();
        block[_buffered..].Clear();
        Pad(block, _buffered);
        AbsorbBlock(_state, block);
        Squeeze(_state, destination);
        Array.Clear(_state);
        Array.Clear(_buffer);
        _buffered = 0;
    }

    private static void Pad(Span<byte> block, int used)
    {
        block[used] ^= 0x01;
        block[Rate - 1] ^= 0x80;
    }

    private static void AbsorbBlock(Span<ulong> state, ReadOnlySpan<byte> block)
    {
        for (int i = 0; i < RateLanes; i++) state[i] ^= BinaryPrimitives.ReadUInt64LittleEndian(block[(8 * i)..]);
        Permute(state);
    }

    private static void Squeeze(ReadOnlySpan<ulong> state, Span<byte> destination)
    {
        for (int i = 0; i < 4; i++) BinaryPrimitives.WriteUInt64LittleEndian(destination[(8 * i)..], state[i]);
    }

    /// <summary>Keccak-f[1600] on 25 lanes (lane x + 5y), fully unrolled two rounds per iteration.</summary>
    private static void Permute(Span<ulong> state)
    {
        if (state.Length < 25) throw new ArgumentException("Keccak state has 25 lanes", nameof(state));
        ulong a00 = state[0];
        ulong a01 = state[1];
        ulong a02 = state[2];
        ulong a03 = state[3];
        ulong a04 = state[4];
        ulong a05 = state[5];
        ulong a06 = state[6];
        ulong a07 = state[7];
        ulong a08 = state[8];
        ulong a09 = state[9];
        ulong a10 = state[10];
        ulong a11 = state[11];
        ulong a12 = state[12];
        ulong a13 = state[13];
        ulong a14 = state[14];
        ulong a15 = state[15];
        ulong a16 = state[16];
        ulong a17 = state[17];
        ulong a18 = state[18];
        ulong a19 = state[19];
        ulong a20 = state[20];
        ulong a21 = state[21];
        ulong a22 = state[22];
        ulong a23 = state[23];
        ulong a24 = state[24];
        ulong e00, e01, e02, e03, e04, e05, e06, e07, e08, e09, e10, e11, e12, e13, e14, e15, e16, e17, e18, e19, e20, e21, e22, e23, e24;
        ulong b0, b1, b2, b3, b4, c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
        var rc = RoundConstants;
        for (int round = 0; round < 24; round += 2)
        {
            c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
            c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
            c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
            c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
            c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
            d0 = c4 ^ BitOperations.RotateLeft(c1, 1);
            d1 = c0 ^ BitOperations.RotateLeft(c2, 1);
            d2 = c1 ^ BitOperations.RotateLeft(c3, 1);
            d3 = c2 ^ BitOperations.RotateLeft(c4, 1);
            d4 = c3 ^ BitOperations.RotateLeft(c0, 1);
            b0 = a00 ^ d0;
            b1 = BitOperations.RotateLeft(a06 ^ d1, 44);
            b2 = BitOperations.RotateLeft(a12 ^ d2, 43);
            b3 = BitOperations.RotateLeft(a18 ^ d3, 21);
            b4 = BitOperations.RotateLeft(a24 ^ d4, 14);
            e00 = b0 ^ (~b1 & b2) ^ rc[round];
            e01 = b1 ^ (~b2 & b3);
            e02 = b2 ^ (~b3 & b4);
            e03 = b3 ^ (~b4 & b0);
            e04 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(a03 ^ d3, 28);
            b1 = BitOperations.RotateLeft(a09 ^ d4, 20);
            b2 = BitOperations.RotateLeft(a10 ^ d0, 3);
            b3 = BitOperations.RotateLeft(a16 ^ d1, 45);
            b4 = BitOperations.RotateLeft(a22 ^ d2, 61);
            e05 = b0 ^ (~b1 & b2);
            e06 = b1 ^ (~b2 & b3);
            e07 = b2 ^ (~b3 & b4);
            e08 = b3 ^ (~b4 & b0);
            e09 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(a01 ^ d1, 1);
            b1 = BitOperations.RotateLeft(a07 ^ d2, 6);
            b2 = BitOperations.RotateLeft(a13 ^ d3, 25);
            b3 = BitOperations.RotateLeft(a19 ^ d4, 8);
            b4 = BitOperations.RotateLeft(a20 ^ d0, 18);
            e10 = b0 ^ (~b1 & b2);
            e11 = b1 ^ (~b2 & b3);
            e12 = b2 ^ (~b3 & b4);
            e13 = b3 ^ (~b4 & b0);
            e14 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(a04 ^ d4, 27);
            b1 = BitOperations.RotateLeft(a05 ^ d0, 36);
            b2 = BitOperations.RotateLeft(a11 ^ d1, 10);
            b3 = BitOperations.RotateLeft(a17 ^ d2, 15);
            b4 = BitOperations.RotateLeft(a23 ^ d3, 56);
            e15 = b0 ^ (~b1 & b2);
            e16 = b1 ^ (~b2 & b3);
            e17 = b2 ^ (~b3 & b4);
            e18 = b3 ^ (~b4 & b0);
            e19 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(a02 ^ d2, 62);
            b1 = BitOperations.RotateLeft(a08 ^ d3, 55);
            b2 = BitOperations.RotateLeft(a14 ^ d4, 39);
            b3 = BitOperations.RotateLeft(a15 ^ d0, 41);
            b4 = BitOperations.RotateLeft(a21 ^ d1, 2);
            e20 = b0 ^ (~b1 & b2);
            e21 = b1 ^ (~b2 & b3);
            e22 = b2 ^ (~b3 & b4);
            e23 = b3 ^ (~b4 & b0);
            e24 = b4 ^ (~b0 & b1);
            c0 = e00 ^ e05 ^ e10 ^ e15 ^ e20;
            c1 = e01 ^ e06 ^ e11 ^ e16 ^ e21;
            c2 = e02 ^ e07 ^ e12 ^ e17 ^ e22;
            c3 = e03 ^ e08 ^ e13 ^ e18 ^ e23;
            c4 = e04 ^ e09 ^ e14 ^ e19 ^ e24;
            d0 = c4 ^ BitOperations.RotateLeft(c1, 1);
            d1 = c0 ^ BitOperations.RotateLeft(c2, 1);
            d2 = c1 ^ BitOperations.RotateLeft(c3, 1);
            d3 = c2 ^ BitOperations.RotateLeft(c4, 1);
            d4 = c3 ^ BitOperations.RotateLeft(c0, 1);
            b0 = e00 ^ d0;
            b1 = BitOperations.RotateLeft(e06 ^ d1, 44);
            b2 = BitOperations.RotateLeft(e12 ^ d2, 43);
            b3 = BitOperations.RotateLeft(e18 ^ d3, 21);
            b4 = BitOperations.RotateLeft(e24 ^ d4, 14);
            a00 = b0 ^ (~b1 & b2) ^ rc[round + 1];
            a01 = b1 ^ (~b2 & b3);
            a02 = b2 ^ (~b3 & b4);
            a03 = b3 ^ (~b4 & b0);
            a04 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(e03 ^ d3, 28);
            b1 = BitOperations.RotateLeft(e09 ^ d4, 20);
            b2 = BitOperations.RotateLeft(e10 ^ d0, 3);
            b3 = BitOperations.RotateLeft(e16 ^ d1, 45);
            b4 = BitOperations.RotateLeft(e22 ^ d2, 61);
            a05 = b0 ^ (~b1 & b2);
            a06 = b1 ^ (~b2 & b3);
            a07 = b2 ^ (~b3 & b4);
            a08 = b3 ^ (~b4 & b0);
            a09 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(e01 ^ d1, 1);
            b1 = BitOperations.RotateLeft(e07 ^ d2, 6);
            b2 = BitOperations.RotateLeft(e13 ^ d3, 25);
            b3 = BitOperations.RotateLeft(e19 ^ d4, 8);
            b4 = BitOperations.RotateLeft(e20 ^ d0, 18);
            a10 = b0 ^ (~b1 & b2);
            a11 = b1 ^ (~b2 & b3);
            a12 = b2 ^ (~b3 & b4);
            a13 = b3 ^ (~b4 & b0);
            a14 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(e04 ^ d4, 27);
            b1 = BitOperations.RotateLeft(e05 ^ d0, 36);
            b2 = BitOperations.RotateLeft(e11 ^ d1, 10);
            b3 = BitOperations.RotateLeft(e17 ^ d2, 15);
            b4 = BitOperations.RotateLeft(e23 ^ d3, 56);
            a15 = b0 ^ (~b1 & b2);
            a16 = b1 ^ (~b2 & b3);
            a17 = b2 ^ (~b3 & b4);
            a18 = b3 ^ (~b4 & b0);
            a19 = b4 ^ (~b0 & b1);
            b0 = BitOperations.RotateLeft(e02 ^ d2, 62);
            b1 = BitOperations.RotateLeft(e08 ^ d3, 55);
            b2 = BitOperations.RotateLeft(e14 ^ d4, 39);
            b3 = BitOperations.RotateLeft(e15 ^ d0, 41);
            b4 = BitOperations.RotateLeft(e21 ^ d1, 2);
            a20 = b0 ^ (~b1 & b2);
            a21 = b1 ^ (~b2 & b3);
            a22 = b2 ^ (~b3 & b4);
            a23 = b3 ^ (~b4 & b0);
            a24 = b4 ^ (~b0 & b1);
        }
        state[0] = a00;
        state[1] = a01;
        state[2] = a02;
        state[3] = a03;
        state[4] = a04;
        state[5] = a05;
        state[6] = a06;
        state[7] = a07;
        state[8] = a08;
        state[9] = a09;
        state[10] = a10;
        state[11] = a11;
        state[12] = a12;
        state[13] = a13;
        state[14] = a14;
        state[15] = a15;
        state[16] = a16;
        state[17] = a17;
        state[18] = a18;
        state[19] = a19;
        state[20] = a20;
        state[21] = a21;
        state[22] = a22;
        state[23] = a23;
        state[24] = a24;
    }
}
