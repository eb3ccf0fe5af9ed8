using System.Globalization;
using System.Text.Json.Nodes;
using ZkMl.Compiler.Quantization;

namespace ZkMl.Cli.Verbs;

/// <summary>
/// Input values outside the range a circuit was compiled for: quantization clamps them to
/// ±InputBound·InputScale (<see cref="Circuit.QuantizeInput"/>), so the proof is about other inputs
/// than the file's. prove warns with the count and the farthest value, or refuses them with --strict.
/// </summary>
/// <param name="Count">Values outside the range.</param>
/// <param name="Total">Values in the batch.</param>
/// <param name="Worst">The value farthest outside the range.</param>
/// <param name="Row">Its sample (0-based, as input_data[row]).</param>
/// <param name="Column">Its feature (0-based).</param>
internal sealed record InputRange(long Count, long Total, float Worst, int Row, int Column)
{
    /// <summary>The real range [−a, a] of the circuit's inputs (a = InputBound·InputScale, up to rounding).</summary>
    public static double Limit(Circuit circuit) => circuit.InputBound * circuit.InputScale;

    /// <summary>The values of <paramref name="samples"/> that quantize outside ±InputBound, or null when there are none.</summary>
    public static InputRange? Check(Circuit circuit, float[][] samples)
    {
        long count = 0, total = 0;
        double worstExcess = -1;
        float worst = 0;
        int row = 0, col = 0;
        long bound = circuit.InputBound;
        for (int r = 0; r < samples.Length; r++)
        {
            var x = samples[r];
            for (int c = 0; c < x.Length; c++, total++)
            {
                double q = Math.Round(x[c] / circuit.InputScale, MidpointRounding.AwayFromZero);
                if (Math.Abs(q) <= bound) continue;
                count++;
                double excess = Math.Abs(q) - bound;
                if (excess > worstExcess) { worstExcess = excess; worst = x[c]; row = r; col = c; }
            }
        }
        return count == 0 ? null : new InputRange(count, total, worst, row, col);
    }

    /// <summary>"N of M input values lie outside the circuit's input range [−a, a] (the farthest: v, sample r, value c)".</summary>
    public string Describe(Circuit circuit)
    {
        string a = Limit(circuit).ToString("G6", CultureInfo.InvariantCulture);
        return $"{Count:N0} of {Total:N0} input values lie outside the circuit's input range [-{a}, {a}] (the farthest: {Worst.ToString(CultureInfo.InvariantCulture)}, sample {Row}, value {Column})";
    }

    /// <summary>
    /// The figures as JSON (the "clamped" field of prove --json). For a circuit with private inputs the farthest value and
    /// its place are left out: that JSON sits beside the input commitment and is made to be shared.
    /// </summary>
    public JsonObject ToJson(Circuit circuit)
    {
        var o = new JsonObject
        {
            ["count"] = Count,
            ["total"] = Total,
            ["range"] = new JsonArray(-Limit(circuit), Limit(circuit)),
        };
        if (!(circuit.Zk.Zk && circuit.Zk.Inputs == ZkMl.Compiler.Quantization.InputVisibility.Private))
            o["worst"] = new JsonObject { ["value"] = Worst, ["sample"] = Row, ["index"] = Column };
        return o;
    }
}
