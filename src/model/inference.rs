//! The encoder's inference pass, owned by claimscan on tch.
//!
//! Training uses rust-bert's `BertModel` (autograd, dropout). At inference the same weights
//! run through this shorter path: query, key and value projections fused into one matrix
//! product, attention through libtorch's fused `scaled_dot_product_attention`, GELU as one
//! kernel, and no dropout or pooler. Weights are read from the trained variable store by
//! their Hugging Face names, so both paths compute the same function (tests/model.rs compares
//! them).
//!
//! `--precision int8` runs the four matrix products of each layer through FBGEMM's int8
//! kernels (weights quantised once per tensor at load; activations quantised on the fly).
//! FBGEMM takes the activation range from the whole input it is given, so each sentence gets
//! its own call: a sentence's result then never depends on the other sentences of its batch.

use tch::{nn, Kind, Tensor};

use super::ModelError;

/// Numeric precision of the inference pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// 32-bit floats throughout: the reference.
    #[default]
    Fp32,
    /// Matrix products through FBGEMM's dynamic int8 kernels: about 2x faster on CPU, at a
    /// measured accuracy cost (see README).
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

/// A linear layer: `x W^T + b`.
struct Linear {
    weight: Tensor,
    bias: Tensor,
    int8: Option<Int8Weight>,
}

/// FBGEMM int8 form of a weight (per-tensor affine quantisation).
struct Int8Weight {
    quantized: Tensor,
    packed: Tensor,
    col_offsets: Tensor,
    scale: f64,
    zero_point: i64,
}

impl Int8Weight {
    fn new(weight: &Tensor) -> Self {
        let (qmin, qmax) = (-128.0, 127.0);
        let min = weight.min().double_value(&[]).min(0.0);
        let max = weight.max().double_value(&[]).max(0.0);
        let scale = ((max - min) / (qmax - qmin)).max(1e-12);
        let zero_point = (qmin - min / scale).round().clamp(qmin, qmax) as i64;
        let quantized = (weight / scale)
            .round()
            .g_add_scalar(zero_point)
            .clamp(qmin, qmax)
            .to_kind(Kind::Int8);
        let col_offsets = (quantized.to_kind(Kind::Int) - zero_point).sum_dim_intlist(
            [1i64].as_slice(),
            false,
            Kind::Int,
        );
        let packed = quantized.fbgemm_pack_quantized_matrix();
        Int8Weight {
            quantized,
            packed,
            col_offsets,
            scale,
            zero_point,
        }
    }
}

impl Linear {
    /// `x` is `[batch, tokens, in]`; rows from `distinct_rows` on repeat row 0 (fixed-shape
    /// filler) and take its result instead of being computed again.
    fn forward(&self, x: &Tensor, distinct_rows: i64) -> Tensor {
        match &self.int8 {
            // FBGEMM picks the activation range from the whole input it is given: one call per
            // sentence keeps each sentence's result independent of its batch mates.
            Some(q) => {
                let batch = x.size()[0];
                let mut rows: Vec<Tensor> = (0..distinct_rows.clamp(1, batch))
                    .map(|b| {
                        x.get(b).fbgemm_linear_int8_weight_fp32_activation(
                            &q.quantized,
                            &q.packed,
                            &q.col_offsets,
                            tch::Scalar::float(q.scale),
                            tch::Scalar::int(q.zero_point),
                            &self.bias,
                        )
                    })
                    .collect();
                let first = rows[0].shallow_clone();
                rows.resize_with(batch as usize, || first.shallow_clone());
                Tensor::stack(&rows, 0)
            }
            None => x.linear(&self.weight, Some(&self.bias)),
        }
    }
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

/// Points stderr at /dev/null until dropped. Used only while the int8 weights are prepared at
/// load time, when nothing else writes to stderr: libtorch prints a deprecation warning for
/// the FBGEMM functions that users cannot act on.
struct StderrSilenced {
    saved: Option<i32>,
}

impl StderrSilenced {
    fn new() -> Self {
        #[cfg(unix)]
        {
            // SAFETY: plain descriptor calls; failures leave stderr as it was.
            unsafe {
                let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
                if null < 0 {
                    return StderrSilenced { saved: None };
                }
                let saved = libc::dup(2);
                if saved < 0 || libc::dup2(null, 2) < 0 {
                    libc::close(null);
                    if saved >= 0 {
                        libc::close(saved);
                    }
                    return StderrSilenced { saved: None };
                }
                libc::close(null);
                StderrSilenced { saved: Some(saved) }
            }
        }
        #[cfg(not(unix))]
        StderrSilenced { saved: None }
    }
}

impl Drop for StderrSilenced {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(saved) = self.saved {
            // SAFETY: `saved` is the descriptor dup'ed from stderr in `new`.
            unsafe {
                libc::dup2(saved, 2);
                libc::close(saved);
            }
        }
    }
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
        let get = |name: &str| -> Result<Tensor, ModelError> {
            named
                .get(name)
                .map(|t| t.detach().to_kind(Kind::Float).contiguous())
                .ok_or_else(|| ModelError::Runtime(format!("encoder weight {name} is missing")))
        };
        let linear = |prefix: &str| -> Result<Linear, ModelError> {
            Ok(Linear {
                weight: get(&format!("{prefix}.weight"))?,
                bias: get(&format!("{prefix}.bias"))?,
                int8: None,
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
            let q = linear(&format!("{attn}.query"))?;
            let k = linear(&format!("{attn}.key"))?;
            let v = linear(&format!("{attn}.value"))?;
            layers.push(Layer {
                qkv: Linear {
                    weight: Tensor::cat(&[q.weight, k.weight, v.weight], 0),
                    bias: Tensor::cat(&[q.bias, k.bias, v.bias], 0),
                    int8: None,
                },
                attention_out: linear(&format!("{p}.attention.output.dense"))?,
                attention_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                intermediate: linear(&format!("{p}.intermediate.dense"))?,
                output: linear(&format!("{p}.output.dense"))?,
                output_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        if precision == Precision::Int8 {
            let _quiet = StderrSilenced::new();
            for layer in &mut layers {
                for l in [
                    &mut layer.qkv,
                    &mut layer.attention_out,
                    &mut layer.intermediate,
                    &mut layer.output,
                ] {
                    l.int8 = Some(Int8Weight::new(&l.weight));
                }
            }
            // libtorch warns once per process that these FBGEMM entry points are deprecated;
            // one tiny call here spends that warning while stderr is silenced.
            if let Some(first) = layers.first() {
                let probe = Tensor::zeros(
                    [1, 1, first.qkv.weight.size()[1]],
                    (Kind::Float, tch::Device::Cpu),
                );
                let _ = first.qkv.forward(&probe, 1);
            }
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
    /// and a 0/1 attention mask of the same shape. Rows from `distinct_rows` on must repeat
    /// row 0 (the fixed-shape filler of [`super::encoder::Encoder::forward_shaped`]).
    pub fn forward(&self, ids: &Tensor, mask: &Tensor, distinct_rows: usize) -> Tensor {
        let distinct_rows = distinct_rows as i64;
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
                .forward(&hidden, distinct_rows)
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
                .forward(&(layer.attention_out.forward(&context, distinct_rows) + &hidden));
            let intermediate = layer
                .intermediate
                .forward(&hidden, distinct_rows)
                .gelu("none");
            hidden = layer
                .output_norm
                .forward(&(layer.output.forward(&intermediate, distinct_rows) + &hidden));
        }
        hidden
    }
}
