# Writes the NumPy-made fixtures the NumPy reader tests read (run with NumPy 2.x: python3 make-fixtures.py).
import io
import numpy as np

a = np.arange(6, dtype=np.float64).reshape(2, 3) / 4
np.save("f8-2x3.npy", a)
np.save("f4-fortran-2x3x4.npy", np.asfortranarray(np.arange(24, dtype=np.float32).reshape(2, 3, 4)))
np.save("u2-be-3.npy", np.array([1, 2, 65535], dtype=">u2"))
np.save("b1-4.npy", np.array([True, False, False, True]))
np.save("i8-scalar.npy", np.array(-7, dtype=np.int64))
np.save("object.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
np.savez("stored.npz", x=np.arange(4, dtype=np.int32), y=np.ones((2, 2), dtype=np.float16))
np.savez_compressed("deflated.npz", y=np.arange(3, dtype=np.uint8), x=np.zeros((2, 0), dtype=np.int8))
np.arange(12, dtype="<f4").tofile("f4-3x4.raw")
