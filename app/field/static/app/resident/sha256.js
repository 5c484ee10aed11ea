/* SHA-256 in plain script (crypto.subtle exists only on HTTPS, and is asynchronous per call),
 * and the proof of work the residents' pages solve before a submission: a nonce such that
 * SHA-256("<challenge>:<nonce>") starts with `bits` zero bits (app/residents/challenge.py). */
"use strict";
(function (W) {
  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
  ];
  var w = new Int32Array(64);

  function bytesOf(text) {
    if (window.TextEncoder) return new TextEncoder().encode(text);
    var s = unescape(encodeURIComponent(text)), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }

  // The digest of `text` as 8 words (big-endian 32-bit integers).
  W.sha256Words = function (text) {
    var data = bytesOf(text), len = data.length;
    var blocks = ((len + 9 + 63) >> 6) << 6, m = new Uint8Array(blocks);
    m.set(data); m[len] = 0x80;
    var bits = len * 8;
    m[blocks - 4] = (bits >>> 24) & 255; m[blocks - 3] = (bits >>> 16) & 255;
    m[blocks - 2] = (bits >>> 8) & 255; m[blocks - 1] = bits & 255;
    var h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a,
      h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (var off = 0; off < blocks; off += 64) {
      for (var t = 0; t < 16; t++) {
        var j = off + t * 4;
        w[t] = (m[j] << 24) | (m[j + 1] << 16) | (m[j + 2] << 8) | m[j + 3];
      }
      for (t = 16; t < 64; t++) {
        var x = w[t - 15], y = w[t - 2];
        var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
      }
      var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, hh = h7;
      for (t = 0; t < 64; t++) {
        var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        var ch = (e & f) ^ (~e & g);
        var t1 = (hh + S1 + ch + K[t] + w[t]) | 0;
        var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) | 0;
        hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + hh) | 0;
    }
    return [h0, h1, h2, h3, h4, h5, h6, h7];
  };

  W.sha256Hex = function (text) {
    return W.sha256Words(text).map(function (v) { return ("00000000" + (v >>> 0).toString(16)).slice(-8); }).join("");
  };

  function zeroBits(words) {
    var n = 0;
    for (var i = 0; i < words.length; i++) {
      var v = words[i] >>> 0;
      if (v === 0) { n += 32; continue; }
      return n + Math.clz32(v);
    }
    return n;
  }

  // Solve a challenge without freezing the page: a few thousand hashes per slice.
  W.solveChallenge = function (challenge, bits) {
    return new Promise(function (resolve) {
      var nonce = 0;
      function slice() {
        for (var k = 0; k < 4000; k++, nonce++) {
          if (zeroBits(W.sha256Words(challenge + ":" + nonce)) >= bits) return resolve(String(nonce));
        }
        setTimeout(slice, 0);
      }
      slice();
    });
  };
})(window.WGT);
