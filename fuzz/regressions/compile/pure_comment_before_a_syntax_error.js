//@__PURE__
: