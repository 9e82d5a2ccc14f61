//! The encoder's inference pass, owned by claimscan on tch.
//!
//! Training uses rust-bert's `BertModel` (autograd, dropout). At inference the same weights
//! run through this shorter path: query, key and value projections fused into one matrix
//! product, attention through libtorch's fused `scaled_dot_product_attention`, GELU as one
//! kernel, and no dropout or pooler. Weights are read from the trained variable store by
//! their Hugging Face names, so both paths compute the same function (tests/model.rs compares
//! them).
//!
//! `--precision int8` runs the four matrix products of each layer as int8 × int8 → int32
//! (libtorch's `_int_mm`): weights quantised once at load, symmetric per output channel;
//! activations quantised on the fly, symmetric per token row. Per-row scales keep every
//! sentence's result independent of the rest of its batch.

use tch::{nn, Kind, Tensor};

use super::{quantize, ModelError};

/// Numeric precision of the inference pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// 32-bit floats throughout: the reference.
    Fp32,
    /// Matrix products in int8 (per-channel weights, per-token activations): the default,
    /// about 1.65x fp32 on CPU, within 0.5 points of fp32 on every dev measure (README).
    #[default]
    Int8,
}

impl std::str::FromStr for Precision {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "fp32" => Ok(Precision::Fp32),
            "int8" => Ok(Precision::Int8),
            other => Err(format!("unknown precision `{other}`: use fp32 or int8")),
        }
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Precision::Fp32 => "fp32",
            Precision::Int8 => "int8",
        })
    }
}

/// A linear layer: `x W^T + b`, with the weight in fp32 or int8.
pub(crate) struct Linear {
    weight: LinearWeight,
    bias: Tensor,
}

/// The weight of a [`Linear`] in the form its precision multiplies with.
enum LinearWeight {
    /// `[out, in]` fp32.
    Fp32(Tensor),
    /// Quantised (the fp32 weight is not kept).
    Int8(Int8Weight),
}

/// Int8 form of a weight: symmetric per output channel within ±[`int8_weight_max`],
/// transposed to `[in, out]` for `_int_mm`, with one scale per output channel.
struct Int8Weight {
    quantized: Tensor,
    scale: Tensor,
}

impl Int8Weight {
    fn new(weight: &Tensor) -> Self {
        let max = int8_weight_max();
        let scale = weight.abs().amax([1i64].as_slice(), false).clamp_min(1e-12) / max;
        let quantized = (weight / scale.unsqueeze(1))
            .round()
            .clamp(-max, max)
            .to_kind(Kind::Int8)
            .transpose(0, 1)
            .contiguous();
        Int8Weight { quantized, scale }
    }

    /// The int32 product `input · W` of an int8 `[rows, in]` input.
    fn product(&self, input: &Tensor) -> Tensor {
        input.internal_int_mm(&self.quantized)
    }
}

/// Largest magnitude of a quantised weight: 127 where [`int8_products_are_exact`] over the
/// whole range, else 64, where every product is exact too (255 · 64 · 2 = 32,640 < 2^15).
/// Measured on an AMD EPYC (2026-12-07; notes of stop 32): against exact 8-bit weights
/// (computed as two 7-bit halves, which doubled the fast path's time, 80 s against 41 s on the
/// bench corpus), 7-bit weights cost about half a point on average and up to 1.4 on some sets
/// (team news dev fast / accurate 0.726 / 0.790 against 0.739 / 0.788; the opinion head 0.685
/// against 0.699), since the heads and calibrations were fitted on exact 8-bit features.
fn int8_weight_max() -> f64 {
    if int8_products_are_exact() {
        127.0
    } else {
        64.0
    }
}

/// Whether libtorch's int8 product is exact over the whole int8 range on this CPU. It is
/// with VNNI (or AMX), which add u8 × s8 products straight into int32. On AVX2-only CPUs
/// (the AMD EPYC of 2026-12-07, for one) it uses `vpmaddubsw`, which first adds pairs of
/// products into a saturating int16: with weights up to 127 the pairs overflow and an
/// encoder layer's products came out wrong by up to 10^5 (fast labels on the team's news dev:
/// 0.733, against 0.739 with exact products). Checked once per process, by one product over
/// the whole range against its exact value; where it is not exact, [`int8_weight_max`] holds
/// the weights to 7 bits.
pub(crate) fn int8_products_are_exact() -> bool {
    static EXACT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *EXACT.get_or_init(|| {
        let _guard = tch::no_grad_guard();
        let (rows, inner, out) = (32i64, 256i64, 32i64);
        // A fixed pseudo-random fill (no global RNG state is touched), over -127..=127.
        let mut state: u32 = 0x9e37_79b9;
        let mut fill = |n: i64| -> Tensor {
            let values: Vec<i8> = (0..n)
                .map(|_| {
                    state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (((state >> 16) % 255) as i16 - 127) as i8
                })
                .collect();
            Tensor::from_slice(&values)
        };
        let input = fill(rows * inner).view([rows, inner]);
        let weight = fill(inner * out).view([inner, out]);
        let products = input.internal_int_mm(&weight).to_kind(Kind::Int64);
        let exact = input
            .to_kind(Kind::Double)
            .matmul(&weight.to_kind(Kind::Double))
            .to_kind(Kind::Int64);
        products.equal(&exact)
    })
}

impl Linear {
    /// A layer for `weight` `[out, in]` and `bias` `[out]` at `precision` (int8: the weight
    /// quantised per output channel, activations per row, as in the encoder).
    pub(crate) fn new(weight: &Tensor, bias: &Tensor, precision: Precision) -> Self {
        let weight = weight.to_kind(Kind::Float).contiguous();
        Linear {
            weight: match precision {
                Precision::Fp32 => LinearWeight::Fp32(weight),
                Precision::Int8 => LinearWeight::Int8(Int8Weight::new(&weight)),
            },
            bias: bias.to_kind(Kind::Float).contiguous(),
        }
    }

    /// `x` is `[..., in]`.
    pub(crate) fn forward(&self, x: &Tensor) -> Tensor {
        self.forward_add(x, None)
    }

    /// `x · Wᵀ + b`, plus `residual` (shaped like the output) when given: in int8 the
    /// addition happens inside the dequantising pass instead of as one more pass over memory.
    fn forward_add(&self, x: &Tensor, residual: Option<&Tensor>) -> Tensor {
        let q = match &self.weight {
            LinearWeight::Fp32(w) => {
                // One product per item of `[items, rows, in]`: a single product over all
                // rows (or one batched product) lets the BLAS pick kernels by the batch's
                // size, and on some CPUs (an Intel Xeon, 2026-12-06; tests/model.rs) a
                // sentence's last bits then changed with its batch mates. Int8 products are
                // exact ([`int8_products_are_exact`]) and need no such care.
                let out = if x.dim() == 3 {
                    let items: Vec<Tensor> = (0..x.size()[0])
                        .map(|i| x.get(i).linear(w, Some(&self.bias)))
                        .collect();
                    Tensor::stack(&items, 0)
                } else {
                    x.linear(w, Some(&self.bias))
                };
                return match residual {
                    Some(r) => out + r,
                    None => out,
                };
            }
            LinearWeight::Int8(q) => q,
        };
        // Each token row gets its own symmetric activation scale, so a row's result depends
        // on nothing but the row: batch mates, batch size and thread count cannot change it.
        let size = x.size();
        let flat = x.reshape([-1, size[size.len() - 1]]);
        let (quantized, row_scale) = quantize::quantize_rows(&flat.contiguous());
        let out = self.product_of_quantized(q, &quantized, &row_scale, residual);
        let mut shape = size;
        let last = shape.len() - 1;
        shape[last] = out.size()[1];
        out.view(shape.as_slice())
    }

    /// Int8 product of an already quantised `[rows, in]` input (with its row scales), plus
    /// bias and `residual`, as fp32 `[rows, out]`.
    fn product_of_quantized(
        &self,
        weight: &Int8Weight,
        input: &Tensor,
        row_scale: &Tensor,
        residual: Option<&Tensor>,
    ) -> Tensor {
        let products = weight.product(input);
        let residual = residual.map(|r| r.reshape([products.size()[0], -1]).contiguous());
        quantize::dequantize(
            &products,
            row_scale,
            &weight.scale,
            &self.bias,
            residual.as_ref(),
        )
    }
}

/// The feed-forward block: `output(GELU(intermediate(x))) + x`.
fn feed_forward(intermediate: &Linear, output: &Linear, x: &Tensor) -> Tensor {
    let (LinearWeight::Int8(first), LinearWeight::Int8(second)) =
        (&intermediate.weight, &output.weight)
    else {
        let mut activated = intermediate.forward(x);
        let _ = activated.gelu_("none");
        return output.forward_add(&activated, Some(x));
    };
    // Int8: the GELU output goes straight to int8, never stored as fp32.
    let size = x.size();
    let flat = x.reshape([-1, size[size.len() - 1]]).contiguous();
    let (quantized, row_scale) = quantize::quantize_rows(&flat);
    let products = first.product(&quantized);
    let (activated, activated_scale) =
        quantize::dequantize_gelu_quantize(&products, &row_scale, &first.scale, &intermediate.bias);
    output
        .product_of_quantized(second, &activated, &activated_scale, Some(&flat))
        .view(size.as_slice())
}

/// Layer norm parameters.
struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    fn forward(&self, x: &Tensor) -> Tensor {
        x.layer_norm(
            [self.weight.size()[0]],
            Some(&self.weight),
            Some(&self.bias),
            self.eps,
            true,
        )
    }
}

/// One transformer layer.
struct Layer {
    qkv: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

/// BERT encoder weights arranged for inference.
pub struct InferenceEncoder {
    word_embeddings: Tensor,
    position_embeddings: Tensor,
    token_type_embedding: Tensor,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
    heads: i64,
}

/// Shape facts the inference pass needs from config.json.
#[derive(Debug, Clone, Copy)]
pub struct EncoderShape {
    /// Attention heads per layer.
    pub heads: i64,
    /// Transformer layers.
    pub layers: usize,
    /// Layer norm epsilon.
    pub layer_norm_eps: f64,
}

impl InferenceEncoder {
    /// Copies the encoder weights out of `vars` (Hugging Face BERT names at the root).
    pub fn from_vars(
        vars: &nn::VarStore,
        shape: EncoderShape,
        precision: Precision,
    ) -> Result<Self, ModelError> {
        let named = vars.variables();
        Self::from_weights(
            |name| {
                named
                    .get(name)
                    .map(Tensor::detach)
                    .ok_or_else(|| ModelError::Runtime(format!("encoder weight {name} is missing")))
            },
            shape,
            precision,
        )
    }

    /// Builds the pass from `weight(name)` for every Hugging Face BERT weight name. Each
    /// weight is asked for once; in int8 a linear layer's fp32 weight is dropped as soon as it
    /// is quantised, so a caller that reads weights lazily never holds them all in fp32.
    pub fn from_weights(
        weight_named: impl Fn(&str) -> Result<Tensor, ModelError>,
        shape: EncoderShape,
        precision: Precision,
    ) -> Result<Self, ModelError> {
        let get = |name: &str| -> Result<Tensor, ModelError> {
            Ok(weight_named(name)?.to_kind(Kind::Float).contiguous())
        };
        let weight = |w: Tensor| match precision {
            Precision::Fp32 => LinearWeight::Fp32(w),
            Precision::Int8 => LinearWeight::Int8(Int8Weight::new(&w)),
        };
        let linear = |prefix: &str| -> Result<Linear, ModelError> {
            Ok(Linear {
                weight: weight(get(&format!("{prefix}.weight"))?),
                bias: get(&format!("{prefix}.bias"))?,
            })
        };
        let norm = |prefix: &str| -> Result<LayerNorm, ModelError> {
            Ok(LayerNorm {
                weight: get(&format!("{prefix}.weight"))?,
                bias: get(&format!("{prefix}.bias"))?,
                eps: shape.layer_norm_eps,
            })
        };
        let mut layers = Vec::with_capacity(shape.layers);
        for i in 0..shape.layers {
            let p = format!("encoder.layer.{i}");
            let attn = format!("{p}.attention.self");
            let part = |name: &str, end: &str| get(&format!("{attn}.{name}.{end}"));
            let fused = |end: &str| -> Result<Tensor, ModelError> {
                Ok(Tensor::cat(
                    &[part("query", end)?, part("key", end)?, part("value", end)?],
                    0,
                ))
            };
            layers.push(Layer {
                qkv: Linear {
                    weight: weight(fused("weight")?),
                    bias: fused("bias")?,
                },
                attention_out: linear(&format!("{p}.attention.output.dense"))?,
                attention_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                intermediate: linear(&format!("{p}.intermediate.dense"))?,
                output: linear(&format!("{p}.output.dense"))?,
                output_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        Ok(InferenceEncoder {
            word_embeddings: get("embeddings.word_embeddings.weight")?,
            position_embeddings: get("embeddings.position_embeddings.weight")?,
            token_type_embedding: get("embeddings.token_type_embeddings.weight")?.get(0),
            embedding_norm: norm("embeddings.LayerNorm")?,
            layers,
            heads: shape.heads,
        })
    }

    /// Last hidden states `[batch, tokens, hidden]` in fp32 for token ids `[batch, tokens]`
    /// and a 0/1 attention mask of the same shape.
    pub fn forward(&self, ids: &Tensor, mask: &Tensor) -> Tensor {
        let size = ids.size();
        let (batch, tokens) = (size[0], size[1]);
        let positions = Tensor::arange(tokens, (Kind::Int64, ids.device()));
        let embedded = self
            .word_embeddings
            .index_select(0, &ids.view([-1]))
            .view([batch, tokens, -1])
            + self
                .position_embeddings
                .index_select(0, &positions)
                .unsqueeze(0)
            + &self.token_type_embedding;
        let mut hidden = self.embedding_norm.forward(&embedded);
        let width = hidden.size()[2];
        let head_width = width / self.heads;
        // Boolean mask `[batch, 1, 1, tokens]`: true where a key may be attended to.
        let keep = mask.to_kind(Kind::Bool).view([batch, 1, 1, tokens]);
        for layer in &self.layers {
            let qkv = layer
                .qkv
                .forward(&hidden)
                .view([batch, tokens, 3, self.heads, head_width])
                .permute([2, 0, 3, 1, 4]);
            let (q, k, v) = (qkv.get(0), qkv.get(1), qkv.get(2));
            let context = Tensor::scaled_dot_product_attention(
                &q,
                &k,
                &v,
                Some(&keep),
                0.0,
                false,
                None::<f64>,
            )
            .transpose(1, 2)
            .reshape([batch, tokens, width]);
            hidden = layer
                .attention_norm
                .forward(&layer.attention_out.forward_add(&context, Some(&hidden)));
            hidden = layer.output_norm.forward(&feed_forward(
                &layer.intermediate,
                &layer.output,
                &hidden,
            ));
        }
        hidden
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::Device;

    /// An int8 layer's integer products equal the exact ones over the whole int8 range of
    /// activations, on whatever CPU runs the test (on AVX2-only CPUs, with weights up to 127,
    /// `_int_mm` got almost every entry of such a product wrong).
    #[test]
    fn int8_products_are_exact_on_this_cpu() {
        tch::manual_seed(11);
        let activations = Tensor::randint_low(-127, 128, [64, 384], (Kind::Int8, Device::Cpu));
        let weight = Tensor::randn([96, 384], (Kind::Float, Device::Cpu));
        let int8 = Int8Weight::new(&weight);
        let max = int8_weight_max();
        let values = (&weight / int8.scale.unsqueeze(1))
            .round()
            .clamp(-max, max)
            .transpose(0, 1);
        let exact = activations
            .to_kind(Kind::Double)
            .matmul(&values.to_kind(Kind::Double))
            .to_kind(Kind::Int64);
        assert!(int8
            .product(&activations)
            .to_kind(Kind::Int64)
            .equal(&exact));
    }

    /// A quantised layer stays close to its fp32 form. Inputs are a fixed formula, not the
    /// global generator, which the other tests of this module seed from their own threads.
    #[test]
    fn int8_layer_tracks_fp32() {
        let wave = |n: i64, step: f64| {
            Tensor::arange(n, (Kind::Float, Device::Cpu))
                .g_mul_scalar(step)
                .sin()
        };
        let weight = wave(48 * 384, 0.37).view([48, 384]) * 0.05;
        let bias = wave(48, 1.3);
        let x = wave(16 * 384, 0.11).view([16, 384]) * 2.0;
        let fp32 = Linear::new(&weight, &bias, Precision::Fp32).forward(&x);
        let int8 = Linear::new(&weight, &bias, Precision::Int8).forward(&x);
        let error = (&int8 - &fp32).abs();
        let size = fp32.abs().mean(Kind::Float).double_value(&[]);
        let mean_error = error.mean(Kind::Float).double_value(&[]);
        let max_error = error.max().double_value(&[]);
        assert!(
            mean_error < 0.01 * size && max_error < 0.05 * size,
            "mean error {mean_error}, max {max_error}, against mean output {size}"
        );
    }
}
