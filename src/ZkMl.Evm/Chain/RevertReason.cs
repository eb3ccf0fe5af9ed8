using System.Numerics;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace ZkMl.Evm.Chain;

/// <summary>Readable reasons from revert data, decoded with Nethereum's ABI decoder.</summary>
public static class RevertReason
{
    /// <summary>Solidity's <c>Panic(uint256)</c> (overflow 0x11, division by zero 0x12, …).</summary>
    [Error("Panic")]
    public sealed class PanicError
    {
        /// <summary>The panic code.</summary>
        [Parameter("uint256", "code", 1)]
        public BigInteger Code { get; set; }
    }

    /// <summary>
    /// The message of <c>Error(string)</c>, "Panic(0x11)" for <c>Panic(uint256)</c>, "custom error 0x…"
    /// for other revert data, null for none.
    /// </summary>
    public static string? Decode(ReadOnlySpan<byte> revertData)
    {
        if (revertData.IsEmpty) return null;
        string hex = EvmHex.Encode(revertData);
        var decoder = new FunctionCallDecoder();
        try
        {
            // Nethereum's Error(string) decoder is lenient (a truncated payload gives ""): require Solidity's layout
            // (offset 0x20, a length whose bytes are present) and a message of exactly that many UTF-8 bytes.
            if (ErrorFunction.IsErrorData(hex) && ErrorLength(revertData[4..]) is long length
                && decoder.DecodeFunctionErrorMessage(hex) is { } message
                && System.Text.Encoding.UTF8.GetByteCount(message) == length)
                return message;
            var panic = ABITypedRegistry.GetError<PanicError>();
            if (decoder.IsDataForError(panic, hex))
                return $"Panic(0x{((PanicError)decoder.DecodeError(typeof(PanicError), "0x" + hex[10..])).Code:x2})"; // DecodeError reads the data after the selector
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or OverflowException or IndexOutOfRangeException)
        {
            // malformed Error/Panic payload: fall through to the raw form
        }
        return "custom error " + hex;
    }

    /// <summary>The declared byte length of an ABI-encoded string at offset 0x20 of <paramref name="data"/>, or null when the layout is not that or the bytes are missing.</summary>
    private static long? ErrorLength(ReadOnlySpan<byte> data)
    {
        if (data.Length < 64 || data[..31].IndexOfAnyExcept((byte)0) >= 0 || data[31] != 0x20 || data[32..56].IndexOfAnyExcept((byte)0) >= 0) return null;
        long length = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(data[56..64]);
        return length >= 0 && length <= data.Length - 64 ? length : null;
    }
}
