/**
 * Model weights in the safetensors format (an 8-byte little-endian header length, a JSON header naming
 * each tensor's dtype, shape and byte range, then the raw little-endian data), so that PyTorch users can
 * open them with {@code safetensors.torch.load_file} and load them into {@code nn.Linear} layers.
 */
package dev.rehearsal.checkpoint;
