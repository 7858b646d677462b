//! The generator core every gateway module builds on, one idea per file:
//! the constraint model's rows ([`constraint`]), reading a spec ([`spec`]) into its typed model ([`model`]), names derived from the spec ([`names`]), the
//! open-enum emitter ([`open_enum`]), any serializable value as a constant ([`const_data`]),
//! docs and literals ([`tokens`]), the copy of a spec typify reads ([`view`]) and the
//! typify → `prettyplease` path ([`rust`]). A gateway module keeps only what is
//! specific to its gateway.

pub mod const_data;
pub mod constraint;
pub mod model;
pub mod names;
pub mod open_enum;
pub mod rust;
pub mod spec;
pub mod tokens;
pub mod view;
