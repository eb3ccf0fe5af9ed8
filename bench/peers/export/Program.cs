// zkml-peers-export CIRCUIT.zkc MNIST_DIR OFFSET COUNT OUT_DIR
//
// Writes, from a compiled ZkMl circuit (784→128(relu)→10 expected):
//   OUT_DIR/network.json  the integer network: W0, b0, M, k, the ReLU table's semantics, W1, b1
//   OUT_DIR/input.json    COUNT MNIST test images from OFFSET, in EZKL's format (the floats zkml reads)
//   OUT_DIR/images.json   the same images quantized (X, the circuit's public input) and the
//                         integer logits of ZkMl's IntegerExecutor (the public output)
// The ReLU table is checked entry by entry to be clamp(Q, AMin, AMax) over its whole domain,
// so the circom circuits can implement it as a clamp.
using System.Globalization;
using System.Text;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Compiler.Training;

if (args.Length != 5)
{
    Console.Error.WriteLine("usage: zkml-peers-export CIRCUIT.zkc MNIST_DIR OFFSET COUNT OUT_DIR");
    return 2;
}
var circuit = CircuitFile.Load(args[0]);
string mnistDir = args[1];
int offset = int.Parse(args[2], CultureInfo.InvariantCulture);
int count = int.Parse(args[3], CultureInfo.InvariantCulture);
string outDir = args[4];
Directory.CreateDirectory(outDir);

if (circuit.Layers.Count != 2 || circuit.Layers[0].IsOutput || !circuit.Layers[1].IsOutput || circuit.Layers[0].Activation != Activation.Relu)
{
    Console.Error.WriteLine("export: expected a two-layer circuit, a hidden ReLU layer then the output layer");
    return 1;
}
var hidden = circuit.Layers[0];
var output = circuit.Layers[1];
var table = hidden.Table!;
for (long q = table.QMin; q <= table.QMax; q++)
{
    if (table.Lookup(q) != Math.Clamp(q, hidden.AMin, hidden.AMax))
    {
        Console.Error.WriteLine($"export: the table is not clamp(Q, {hidden.AMin}, {hidden.AMax}) at Q = {q}");
        return 1;
    }
}

static string Ints(ReadOnlySpan<long> v)
{
    var sb = new StringBuilder("[");
    for (int i = 0; i < v.Length; i++)
    {
        if (i > 0) sb.Append(',');
        sb.Append(v[i].ToString(CultureInfo.InvariantCulture));
    }
    return sb.Append(']').ToString();
}

static string Matrix(CircuitLayer l)
{
    // Rows of W: one per input, OutputSize columns (row-major as in the circuit).
    var w = l.Weights;
    var sb = new StringBuilder("[\n");
    for (int i = 0; i < l.InputSize; i++)
    {
        sb.Append("    ").Append(Ints(w.Slice(i * l.OutputSize, l.OutputSize)));
        sb.Append(i + 1 < l.InputSize ? ",\n" : "\n");
    }
    return sb.Append("  ]").ToString();
}

var net = new StringBuilder("{\n");
net.Append($"  \"circuitDigest\": \"{circuit.DigestHex}\",\n");
net.Append($"  \"inputSize\": {circuit.InputSize}, \"hiddenSize\": {hidden.OutputSize}, \"outputSize\": {output.OutputSize},\n");
net.Append($"  \"inputBound\": {circuit.InputBound},\n");
net.Append($"  \"m\": {hidden.Multiplier}, \"k\": {hidden.Shift}, \"limbBits\": {circuit.LimbBits},\n");
net.Append($"  \"qMin\": {table.QMin}, \"qMax\": {table.QMax}, \"aMin\": {hidden.AMin}, \"aMax\": {hidden.AMax},\n");
net.Append($"  \"zBound0\": {hidden.ZBound}, \"zBound1\": {output.ZBound},\n");
net.Append($"  \"b0\": {Ints(hidden.Bias)},\n");
net.Append($"  \"b1\": {Ints(output.Bias)},\n");
net.Append($"  \"w0\": {Matrix(hidden)},\n");
net.Append($"  \"w1\": {Matrix(output)}\n");
net.Append("}\n");
File.WriteAllText(Path.Combine(outDir, "network.json"), net.ToString());

var all = MnistIdx.LoadImages(Path.Combine(mnistDir, "t10k-images-idx3-ubyte"));
if (offset < 0 || count < 1 || offset + count > all.Length)
{
    Console.Error.WriteLine($"export: images {offset}…{offset + count - 1} are outside the {all.Length} test images");
    return 1;
}
var rows = all.Skip(offset).Take(count).ToArray();
File.WriteAllText(Path.Combine(outDir, "input.json"), InputData.Serialize(rows));
// The floats are read back as zkml reads them, so X is exactly what ZkMl proves.
var reread = InputData.Load(Path.Combine(outDir, "input.json"), circuit.InputSize);
var img = new StringBuilder("[\n");
for (int r = 0; r < reread.Length; r++)
{
    long[] x = circuit.QuantizeInput(reread[r]);
    long[] z = IntegerExecutor.Infer(circuit, x);
    img.Append($"  {{\"index\": {offset + r}, \"x\": {Ints(x)}, \"logits\": {Ints(z)}}}");
    img.Append(r + 1 < reread.Length ? ",\n" : "\n");
}
img.Append("]\n");
File.WriteAllText(Path.Combine(outDir, "images.json"), img.ToString());
Console.Error.WriteLine($"export: {circuit.Name} (digest {circuit.DigestHex[..16]}…), M = {hidden.Multiplier}, k = {hidden.Shift}, Q in [{table.QMin}, {table.QMax}], {count} images from {offset} → {outDir}");
return 0;
