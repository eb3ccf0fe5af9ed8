pragma circom 2.1.0;

include "mlp.circom";

// Weights and biases are private inputs: each weight costs one product constraint.
template MlpPrivate(N0, N1, N2, M, K, AMAX, ABITS, DPBITS, DNBITS) {
    signal input x[N0];
    signal input w0[N0][N1];
    signal input b0[N1];
    signal input w1[N1][N2];
    signal input b1[N2];
    signal output logits[N2];
    signal p0[N0][N1];
    signal p1[N1][N2];
    component h = RequantRelu(N1, M, K, AMAX, ABITS, DPBITS, DNBITS);
    for (var j = 0; j < N1; j++) {
        var z = b0[j];
        for (var i = 0; i < N0; i++) {
            p0[i][j] <== x[i] * w0[i][j];
            z += p0[i][j];
        }
        h.z[j] <== z;
    }
    for (var j = 0; j < N2; j++) {
        var y = b1[j];
        for (var i = 0; i < N1; i++) {
            p1[i][j] <== h.a[i] * w1[i][j];
            y += p1[i][j];
        }
        logits[j] <== y;
    }
}
