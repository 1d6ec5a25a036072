"""An executable reference for efficient deep learning at the edge: computation reuse, cost models, low precision, memory-efficient training, adaptive inference.

Modules:

- `reuse_edge.cost.acev2`: The ACEv2 cost model as a library: primitive costs with their constants exposed, MAC conventions for linear and power-of-two weights, layer-level costs (batch norm, PReLU/DPReLU, quantisation scales and their granularity), a model-level report (MAC part vs elementwise part), and a calculator.
- `reuse_edge.cost.adders`: Appendix A of the thesis made executable: a Dadda-tree multiplier with a ripple-carry final adder, built gate by gate for every pair of operand widths from 1 to 64 bits, simulated on random operands and counted; a ripple-carry adder, a barrel shifter and a full adder made of 2:1 multiplexers; and the floating-point adder's component sum behind $c_a = 6$.
- `reuse_edge.cost.counters`: A per-layer cost counter for any torch model (forward hooks, results as a table), and the counts of the three reference architectures of the cost chapters (MobileNetV1, MobileNetV2, ResNet-50). The next section (`41_cost_crosscheck`) checks the counts against `torch.utils.flop_counter` and ptflops.
- `reuse_edge.experiments.genreuse`: The four networks GenReuse evaluates, at 32x32: CifarNet, SqueezeNet without and with bypass, and ZfNet adapted to 32x32 - trained on the seeded synthetic image set (or CIFAR-10 from `DATA_DIR`), with their reuse layers named as in the paper, MAC counts, and a small on-disk cache so that the later chapters train each model once.
- `reuse_edge.experiments.genreuse_layers`: Per-layer tables in the style of Table 1 - for each reuse layer of CifarNet, ZfNet and SqueezeNet, the patterns the selection workflow shortlists, with $L$, $H$, direction, $r_t$, emulated speed-up against CMSIS-NN and against conventional reuse, and the accuracy difference - then the order (Fig. 11) and direction (Fig. 12) studies on CifarNet, and the arithmetic of the paper's Table 1.
- `reuse_edge.experiments.reuse_e2e`: The paper's headline measured where it is made: a ResNet-18 lane network (channels 64-512) on 128x256 frames of synthetic drives, trained, converted to pixel reuse, SA-trained as in Algorithm 1, and timed against its dense self side by side on clips of 8 consecutive frames, with every convertible layer on reuse and deployed (reuse kept only where a layer measures faster) - F1, compression, measured speed-up next to the cost model's ideal, and where the time goes, layer by layer and phase by phase.
- `reuse_edge.experiments.table2`: The paper's main experiment redone on synthetic drives: original models, fine-tuned with reuse in the loop **without** the regularisers (the control the paper lacks), with Eq. 1, with Eq. 2, and with both - for a ResNet-style, a ViT-style and a Swin-style lane model and a scene parser, in FP32 and 8-bit - with accuracy under exact and reuse inference, compression, MAC speed-up and measured wall-clock speed-up; then the ablation, a lambda sweep and the frame-window sweep of Fig. 7.
- `reuse_edge.lowprec.pikelpn`: PikeLPN on the shared quantisers (linear with an arbitrary or power-of-two scale, power-of-two weights, fixed-point activations, straight-through gradients): QuantNorm with the sign error of Eqs. 3.6/3.8 fixed, double quantisation, the separable PikeLPN block and a small PikeLPN-style network trained on synthetic images: the Table 3.6 ablation and the batch-norm comparison as trends, and a power-of-two weight times an integer activation as a bit shift, bit-exact.
- `reuse_edge.memory.bench`: Throughput of compress + decompress next to a plain memory copy, compression versus recomputing an activation as tensors grow (Fig. 4.12), and the overhead of lossless compression on a whole training step - with what dominates it, the size policy's trade of bytes for time, and the alternative implementations measured against it.
- `reuse_edge.memory.combine`: The thesis's three combinations, measured in real training on the two small nets: half-precision values in the bitmap (Fig. 4.7), pruning close-to-zero activations in the stored copy and what it costs in accuracy (Figs. 4.8, 4.9), and bitmap compression of the segment inputs that checkpointing keeps (Fig. 4.10).
- `reuse_edge.memory.sparsity`: Where the zeros are in two small CNNs for 32x32 images (MobileNet- and ResNet-style), the measurements that decide what bitmap compression can save - the memory and sparsity of each layer type's input (Fig. 4.2), the histogram of activation magnitudes (Fig. 4.3) - a ReLU6 that keeps its sparse output for backward, and what "double-mask" batch normalisation really does.
- `reuse_edge.reuse.accuracy_model`: An upper bound on the squared Frobenius norm of the reuse error from cluster sizes, the largest eigenvalue of each cluster's covariance and the weight norms - the paper's additive form, a rigorous form, the exact error, and an extension to horizontal reuse and 2-D blocks - all computed from one cheap random-hash profiling run, and checked against the error and the accuracy they are meant to predict.
- `reuse_edge.reuse.analysis`: How similar are the rows that reuse clusters, layer by layer, in a CNN and in a ViT (Fig. 2 of the paper)? How do compression and error trade off over the number of hashes $H$ and the vector length $L$? Does 8-bit quantisation make rows collide more (Table 2)? And where in a transformer block is reuse worth it (queries/keys/values vs the block input, the MLP)?
- `reuse_edge.reuse.conv`: Two ways to apply computation reuse to a 2-D convolution: the classic im2col reuse of Deep Reuse (any sub-vector length, column order, padding, stride), and **pixel reuse**, which clusters the input's pixels and assembles the output from lookup tables - exact on duplicates, differentiable, and fast.
- `reuse_edge.reuse.latency_model`: The paper's latency model - redundancy ratio $r_t$, FLOP ratio $H/D_{out} + r_c$ and the key condition $H/D_{out} < r_t$ - next to a per-phase operation count of every pattern, the bounds that buckets put on $r_t$ (which show several Table 1 entries cannot be per-image values), and what the FLOP model predicts about measured x86 time.
- `reuse_edge.reuse.layers`: One settings object for every reuse layer (`ReusePattern`), drop-in `ReuseLinear` and `ReuseConv2d` modules, self-attention with reuse at the points the paper names (per-head queries, keys/values with a log-multiplicity correction, the MLP input $Z$), and `convert_model` / `revert_model` / `reuse_enabled` / `reuse_report` to apply reuse to an existing model layer by layer, switch it on and off, and see what it costs and saves - for every kind of reuse layer.
- `reuse_edge.reuse.mcu`: A cycle-level cost model of reuse convolutions on a Cortex-M4 (STM32F469I) and a Cortex-M7 (STM32F767ZI): one documented table of cycles per operation, the per-phase breakdown of Table 3, emulated speed-ups against CMSIS-NN, whole-network estimates, and a q7 fixed-point emulation of the reuse kernel's arithmetic. Every latency here is **model-based (emulated)**, never a measurement.
- `reuse_edge.reuse.patterns`: Reuse patterns as **row and column orders of the im2col matrix**, a reuse **direction** (vertical M-1 or horizontal M-2) and a **granularity** (panel size $L$, hash bits $H$, 1-D neuron vectors or 2-D neuron blocks), described by the library's one settings object `ReusePattern`, with the reuse GEMM and the `PatternConv2d` layer that execute any of them on the library's hashing, clustering and centroid GEMM - exact whenever no two different units share a cluster.
- `reuse_edge.reuse.selection`: The paper's selection workflow (Fig. 8): enumerate the candidate patterns of a layer from a scope, profile them with one random-hash run each, keep the Pareto set of (error bound, savings), and give only those the full check. Measured here: how well the analytic model ranks patterns against the $r_t$ heuristic and random choice (Fig. 14), and how much exploration time pruning saves (Table 2).
- `reuse_edge.reuse.similarity`: The paper's two KL regularisers - each sample's feature map against the layer's mean map (Eq. 1), and consecutive frames against each other (Eq. 2) - plus the cluster-dispersion term of its training overview, as losses you can add to any model's training, with every normalisation choice made explicit.
- `reuse_edge.reuse.tuning`: Per-layer choice of the number of hashes $H$ and the vector length $L$ by multi-objective Bayesian optimisation (optuna), layers in parallel processes: why the paper's scalarisation Theta = MSE/sigma picks "no compression", the Pareto front of error against compression and its knee, and how many evaluations the optimiser needs compared with trying the whole grid."""

# AUTOGENERATED! DO NOT EDIT! File to edit: ../nbs/9_appendix/93_api.ipynb.

# %% auto #0
__all__ = []

# %% ../nbs/9_appendix/93_api.ipynb #eb050f13
import importlib

# %% ../nbs/9_appendix/93_api.ipynb #260c7d1e
__version__ = "0.1.0"

_EXPORTS = {
    # foundations
    **dict.fromkeys(["set_seed", "smoke_mode", "setup_threads", "bench_pair", "BenchResult", "cache_dir",
                     "pareto_ranks", "pareto_front", "claim", "reported", "show_claims", "Ledger", "Claim"], "reuse_edge.core"),
    **dict.fromkeys(["use_native", "machine_info", "native_ops", "MachineInfo"], "reuse_edge.native"),
    **dict.fromkeys(["synthetic_video", "iid_frames", "VideoClip", "load_frame_folder"], "reuse_edge.data.video"),
    **dict.fromkeys(["synthetic_images", "train_test_images", "ImageSet", "load_cifar10"], "reuse_edge.data.images"),
    **dict.fromkeys(["ConvBNAct", "BasicBlock", "Bottleneck", "InvertedResidual", "Fire", "SkipAdd"], "reuse_edge.nn.blocks"),
    **dict.fromkeys(["Attention", "MLP", "ViTBlock"], "reuse_edge.nn.vit"),
    **dict.fromkeys(["build_model", "MODELS"], "reuse_edge.nn.models"),
    **dict.fromkeys(["capture_inputs", "layer_shapes", "LayerShape", "count_macs"], "reuse_edge.nn.inspect"),
    **dict.fromkeys(["fit", "train_step", "History", "Callback", "make_optimizer", "save_checkpoint", "load_checkpoint"], "reuse_edge.train.loop"),
    **dict.fromkeys(["accuracy", "lane_f1", "miou", "relative_error"], "reuse_edge.train.metrics"),
    **dict.fromkeys(["fit_classifier"], "reuse_edge.train.recipes"),
    **dict.fromkeys(["fake_quant", "FakeQuant", "quantize_model", "quantize_int8", "LinearQuant", "PoTQuant", "FixedPointQuant",
                     "binarize", "BinaryConv2d", "BinaryLinear"], "reuse_edge.quant"),
    # computation reuse
    **dict.fromkeys(["HyperplaneLSH", "SubvectorLSH", "hyperplanes", "bucket_ids", "cluster", "Clusters"], "reuse_edge.reuse.lsh"),
    **dict.fromkeys(["reuse_matmul", "ReuseResult", "ReuseCost"], "reuse_edge.reuse.gemm"),
    **dict.fromkeys(["im2col", "COLUMN_ORDERS"], "reuse_edge.reuse.conv"),
    **dict.fromkeys(["ReusePattern", "ReuseLinear", "ReuseConv2d", "ReuseAttention", "ReuseMLP", "ReuseViTBlock", "ReuseLayer", "reuse_enabled",
                     "convert_model", "revert_model", "reuse_layers", "reuse_report"], "reuse_edge.reuse.layers"),
    **dict.fromkeys(["PatternConv2d", "pattern_matmul", "pattern_conv2d", "convert_to_patterns"], "reuse_edge.reuse.patterns"),
    **dict.fromkeys(["SimilarityRegulariser"], "reuse_edge.reuse.similarity"),
    # cost, low precision, memory
    **dict.fromkeys(["count_costs", "CostReport"], "reuse_edge.cost.counters"),
    **dict.fromkeys(["acev2_cost"], "reuse_edge.cost.acev2"),
    **dict.fromkeys(["energy_cost"], "reuse_edge.cost.energy"),
    **dict.fromkeys(["compress", "decompress", "BitmapTensor"], "reuse_edge.memory.bitmap"),
    **dict.fromkeys(["bitmap_saved_tensors", "SavedTensorStats"], "reuse_edge.memory.saved"),
    # adaptive inference
    **dict.fromkeys(["SensorConfig", "sensor_config", "TABLE5_1", "ActivityScript", "simulate_raw", "emulate_stream", "load_uci_har"], "reuse_edge.data.accel"),
    **dict.fromkeys(["stream_features", "HarMLP", "train_classifier", "PowerTable", "bmi160_power_table", "design_space", "Spot",
                     "SpotConfidence", "IntensityPolicy", "simulate_loop", "time_in_state"], "reuse_edge.adaptive.sense"),
    **dict.fromkeys(["GlyphSceneSpec", "glyph_scenes", "load_coco_bags"], "reuse_edge.data.scenes"),
    **dict.fromkeys(["context_clusters", "ContextClusters", "cooccurrence", "select_branches", "StaticDetector", "AdaptiveDetector",
                     "BranchController", "coco_map", "mode_cost", "train_static_detector", "train_adaptive_detector"], "reuse_edge.adaptive.con"),
    **dict.fromkeys(["MTLScenes", "mtl_scenes", "load_pascal_mtl"], "reuse_edge.data.mtl"),
    **dict.fromkeys(["MTLViT", "MTLConfig", "add_policy", "AdaptiveBlock", "TokensSelect", "BlockSelect", "gumbel_sigmoid",
                     "combine_task_masks", "ComputeTarget", "COMPUTE_TARGETS", "mtl_flops", "MTLFlops", "delta_m", "evaluate_mtl",
                     "MTLEval", "train_static", "warmup_policy", "co_train"], "reuse_edge.adaptive.mtl"),
    **dict.fromkeys(["train_suite"], "reuse_edge.experiments.adamtl"),
    # hardware-aware design
    **dict.fromkeys(["MPNet", "train_mpnet", "fold_bn", "truth_tables", "LayerTable", "ISF", "hit_stats"], "reuse_edge.logic.truth"),
    **dict.fromkeys(["prune_inputs", "drop_rows", "reduce_layer", "optimize_thresholds"], "reuse_edge.logic.prune"),
    **dict.fromkeys(["minimize_isf", "Cover", "verify_cover", "CircuitLayer"], "reuse_edge.logic.minimize"),
    **dict.fromkeys(["run_yosys", "synthesize_layer"], "reuse_edge.logic.synth"),
    **dict.fromkeys(["layer_energy"], "reuse_edge.logic.cost"),
    **dict.fromkeys(["LatentBinaryConv2d", "LatentBinaryLinear", "prune_layer", "bops", "model_size"], "reuse_edge.lowprec.bnn"),
    **dict.fromkeys(["latent_prune", "sensitivity", "ff_shrink", "FlipCounter"], "reuse_edge.lowprec.bnn_prune"),
    **dict.fromkeys(["pack_model", "PackedBinaryConv2d"], "reuse_edge.lowprec.bnn_packed"),
    **dict.fromkeys(["tx_latency", "config_grid", "choose_config", "sweep_constraints"], "reuse_edge.offload.latency"),
    **dict.fromkeys(["make_scenes", "coarse_segmenter", "accuracy_table"], "reuse_edge.offload.segment"),
}
__all__ = sorted(_EXPORTS)  # the lazily loaded names: nbdev's generated __all__ only sees names defined in this file

# %% ../nbs/9_appendix/93_api.ipynb #22b373a9
_SUBPACKAGE_ONLY = {
    **dict.fromkeys(["DriveConfig", "video_tokens", "video_feature_map"], "reuse_edge.data.video"),
    **dict.fromkeys(["ACTIVITIES", "RAW_RATE", "alternating_script", "change_rate_script", "RawTrace", "AccelStream", "emulate_streams",
                     "HarWindows", "emulable_configs", "AccelWindows", "emulate_windows"], "reuse_edge.data.accel"),
    **dict.fromkeys(["FeatureSpec", "windows_features", "memory_bytes", "Prediction", "classify", "DesignSpace", "Policy", "AlwaysOn",
                     "SPOT_STATES", "DEFAULT_CONFIDENCE", "LoopResult", "run_loop", "mean_current", "SENSOR_CURRENTS_UA"], "reuse_edge.adaptive.sense"),
    **dict.fromkeys(["har_dataset", "threshold_sweep", "run_policy", "ThresholdSweep", "PolicyRun"], "reuse_edge.experiments.adasense"),
    **dict.fromkeys(["GlyphScenes", "CocoBags", "write_coco_instances", "SHAPES", "GLYPH_COLORS", "GLYPH_NAMES"], "reuse_edge.data.scenes"),
    **dict.fromkeys(["common_classes", "layout_stability", "LayoutStability", "cluster_ari", "branch_miss_rate", "dominant_cluster",
                     "compression_factor", "branch_width", "GridHead", "SceneBackbone", "Detections", "MapResult", "ModeCost",
                     "CLUSTER_DEFAULTS", "conditional_probability", "decode_grid", "merge_detections", "grid_targets", "grid_loss",
                     "controller_accuracy"], "reuse_edge.adaptive.con"),
    **dict.fromkeys(["change_pct", "efficiency_pct", "paired_map_se"], "reuse_edge.experiments.adacon"),
    **dict.fromkeys(["MTL_TASKS", "MTL_CLASSES", "PART_CLASSES", "IGNORE", "LIGHT", "PASCAL_MTL_DIRS", "height_normals",
                     "write_pascal_mtl_like"], "reuse_edge.data.mtl"),
    **dict.fromkeys(["TASK_CHANNELS", "TASK_WEIGHTS", "LOWER_IS_BETTER", "SAL_THRESHOLDS", "SAL_BETA2", "check_tasks", "PatchMerging",
                     "MTLPolicy", "PolicyMasks", "MTLOutput", "random_masks", "flop_counter_flops", "task_losses", "active_fractions",
                     "efficiency_loss", "mtl_loss", "AlternatingTasks", "CoTraining"], "reuse_edge.adaptive.mtl"),
    **dict.fromkeys(["ADAPTIVE_RUNS", "SuiteConfig", "SuiteResult", "train_adaptive", "bootstrap_delta_m"], "reuse_edge.experiments.adamtl"),
    **dict.fromkeys(["digits_bits", "BitSign", "FoldedLayer", "patches", "row_keys", "HitStats", "hit_rate"], "reuse_edge.logic.truth"),
    **dict.fromkeys(["AccuracyEstimate", "kept_inputs", "DropResult", "MISS_POLICIES", "LUTLayer", "ThresholdSearch"], "reuse_edge.logic.prune"),
    **dict.fromkeys(["greedy_cover", "EXHAUSTIVE_LIMIT", "Verification", "neuron_disagreement", "minimize_layer"], "reuse_edge.logic.minimize"),
    **dict.fromkeys(["covers_to_verilog", "SynthStats"], "reuse_edge.logic.synth"),
    **dict.fromkeys(["ENERGY_CONSTANTS", "LayerEnergy"], "reuse_edge.logic.cost"),
    **dict.fromkeys(["sweep_layer", "SweepPoint"], "reuse_edge.experiments.synthnet"),
    **dict.fromkeys(["three_conv_net", "binarynet", "xnornet", "latent_layers", "BopsReport", "ModelSize"], "reuse_edge.lowprec.bnn"),
    **dict.fromkeys(["digits_data", "train_bnn", "PruneResult", "ShrinkResult"], "reuse_edge.lowprec.bnn_prune"),
    **dict.fromkeys(["xnor_popcount", "PackedBinaryLinear"], "reuse_edge.lowprec.bnn_packed"),
    **dict.fromkeys(["scaling_factor", "tx_latency_base", "ConfigGrid", "Choice", "SweepResult"], "reuse_edge.offload.latency"),
    **dict.fromkeys(["SceneConfig", "Scenes", "load_face_folder", "train_coarse_segmenter", "pr_auc", "select_patches", "reconstruct",
                     "train_face_identifier", "AccuracyTable", "processing_latency"], "reuse_edge.offload.segment"),
    **dict.fromkeys(["TrainTestImages"], "reuse_edge.data.images"),
    **dict.fromkeys(["Normalize"], "reuse_edge.nn.blocks"),
    **dict.fromkeys(["WindowBlock", "LaneViT", "LaneSwin"], "reuse_edge.nn.vit"),
    **dict.fromkeys(["ModelSpec", "LaneResNet", "LaneResNet18", "SceneNet", "CifarNet", "SqueezeNet", "ZfNet"], "reuse_edge.nn.models"),
    **dict.fromkeys(["InputRecord", "input_records"], "reuse_edge.nn.inspect"),
    **dict.fromkeys(["StepResult", "EpochRecord", "make_scheduler"], "reuse_edge.train.loop"),
    **dict.fromkeys(["ReuseStats", "ideal_speedup", "cluster_centroids", "MachineRates"], "reuse_edge.reuse.gemm"),
    **dict.fromkeys(["bucket_clusters", "table_conv"], "reuse_edge.reuse.kernels"),
    **dict.fromkeys(["ReuseCache"], "reuse_edge.reuse.scope"),
    **dict.fromkeys(["kl_to_mean", "temporal_kl"], "reuse_edge.reuse.similarity"),
    **dict.fromkeys(["SAConfig", "sa_train"], "reuse_edge.reuse.satrain"),
    **dict.fromkeys(["tune_layer", "tune_model", "LayerSetting", "LayerTuning"], "reuse_edge.reuse.tuning"),
    **dict.fromkeys(["accuracy_profile"], "reuse_edge.reuse.accuracy_model"),
    **dict.fromkeys(["redundancy_ratio", "flop_ratio", "key_condition"], "reuse_edge.reuse.latency_model"),
    **dict.fromkeys(["emulate", "emulate_network"], "reuse_edge.reuse.mcu"),
    **dict.fromkeys(["enumerate_patterns", "pareto_select"], "reuse_edge.reuse.selection"),
    **dict.fromkeys(["LayerCount", "reference_report"], "reuse_edge.cost.counters"),
    **dict.fromkeys(["ACEParams", "CostBreakdown", "acev2_calculator"], "reuse_edge.cost.acev2"),
    **dict.fromkeys(["QuantNorm", "QuantConfig", "QConv2d", "QLinear", "SeparableBlock", "PikeLPNNet"], "reuse_edge.lowprec.pikelpn"),
    **dict.fromkeys(["saved_bytes"], "reuse_edge.memory.measure"),
    **dict.fromkeys(["bitmap_ops"], "reuse_edge.memory.bitmap"),
    **dict.fromkeys(["MIN_BYTES"], "reuse_edge.memory.saved"),
    **dict.fromkeys(["size_policy_sweep", "PolicyPoint"], "reuse_edge.memory.bench"),
    **dict.fromkeys(["bitmap_bytes", "compression_ratio", "break_even_sparsity"], "reuse_edge.memory.analysis"),
    **dict.fromkeys(["OutputReLU6", "DoubleMaskBatchNorm2d"], "reuse_edge.memory.sparsity"),
    **dict.fromkeys(["fit_compressed", "CheckpointEveryM"], "reuse_edge.memory.combine"),
    **dict.fromkeys(["book_data", "pretrained", "Pretrained"], "reuse_edge.experiments.genreuse"),
    **dict.fromkeys(["model_costs", "evaluate_both", "measured_speedup", "ModelCosts", "AccuracyPair"], "reuse_edge.experiments.table2"),
    **dict.fromkeys(["speedup_at_accuracy", "gain_at_latency"], "reuse_edge.experiments.genreuse_e2e"),
    **dict.fromkeys(["E2EConfig", "E2EResult", "LaneModels", "lane_models", "measure_e2e", "deploy"], "reuse_edge.experiments.reuse_e2e"),
    **dict.fromkeys(["table36_scheme", "pikelpn_scheme"], "reuse_edge.experiments.pikelpn_tables"),
}

def _subpackage_exports(package:str, # a subpackage, e.g. "reuse_edge.nn"
                       )->dict: # name -> defining module, in name order
    "The names `package` re-exports: the top-level names of its modules and the names of `_SUBPACKAGE_ONLY`."
    if package.split(".")[0] != "reuse_edge" or package.count(".") != 1: raise ValueError(f"not a subpackage of reuse_edge: {package!r}")
    found = {n: m for n, m in {**_EXPORTS, **_SUBPACKAGE_ONLY}.items() if m.startswith(package + ".")}
    return dict(sorted(found.items()))

# %% ../nbs/9_appendix/93_api.ipynb #5b89c165
def _lazy_loader(package:str, # the package's name (for error messages)
                 exports:dict, # name -> the module that defines it
                 namespace:dict, # the package's globals(): loaded names are cached there
                ):
    "A module `__getattr__` and `__dir__` (PEP 562) that import the module defining a name on its first access."
    def __getattr__(name:str): # a public name of the package
        module = exports.get(name)
        if module is None:
            import difflib
            near = difflib.get_close_matches(name, list(exports), n=3)
            raise AttributeError(f"module {package!r} has no attribute {name!r}" + (f"; did you mean {', '.join(near)}?" if near else ""))
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value
    def __dir__(): return sorted(set(namespace) | set(exports))
    return __getattr__, __dir__

__getattr__, __dir__ = _lazy_loader(__name__, _EXPORTS, globals())
