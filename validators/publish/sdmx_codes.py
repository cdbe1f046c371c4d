"""Fixed SDMX vocabulary of the structures: the cross-domain code lists of the statuses, the names of
the standard concepts and of the units of measure the requests use.

The two cross-domain code lists are copied whole (as the SDMX Global Registry publishes them, in
English) so that a reader can resolve every status without a registry: our tables use A, E, P, M
of CL_OBS_STATUS and F, C (contract v2) or D (contract v1 editions) of CL_CONF_STATUS.
"""

from __future__ import annotations

CROSS_DOMAIN = {"CL_OBS_STATUS": ("2.2", "Observation status"),
                "CL_CONF_STATUS": ("1.3", "Confidentiality status")}

OBS_STATUS_CODES = {
    "A": "Normal value",
    "B": "Time series break",
    "D": "Definition differs",
    "E": "Estimated value",
    "F": "Forecast value",
    "G": "Experimental value",
    "H": "Missing value; holiday or weekend",
    "I": "Imputed value (CCSA definition)",
    "J": "Derogation",
    "K": "Data included in another category",
    "L": "Missing value; data exist but were not collected",
    "M": "Missing value; data cannot exist",
    "N": "Not significant",
    "O": "Missing value",
    "P": "Provisional value",
    "Q": "Missing value; suppressed",
    "S": "Strike and other special events",
    "U": "Low reliability",
    "V": "Unvalidated value",
    "W": "Includes data from another category",
}

CONF_STATUS_CODES = {
    "A": "Primary confidentiality due to small counts",
    "C": "Confidential statistical information",
    "D": "Secondary confidentiality set by the sender, not for publication",
    "E": "Not for publication until the embargo time elapses; free for publication after it",
    "F": "Free (free for publication)",
    "G": "Primary confidentiality due to dominance by one or two units",
    "M": "Primary confidentiality due to data declared confidential based on other measures of concentration",
    "N": "Not for publication, restricted for internal use only",
    "O": "Primary confidentiality due to dominance by one unit",
    "S": "Secondary confidentiality set and managed by the receiver, not for publication",
    "T": "Primary confidentiality due to dominance by two units",
    "X": "Confidentiality due to military secrecy",
}

STANDARD_CONCEPTS = {
    "REF_AREA": (("en", "Reference area"), ("es", "Área de referencia")),
    "TIME_PERIOD": (("en", "Time period"), ("es", "Periodo")),
    "OBS_VALUE": (("en", "Observation value"), ("es", "Valor de la observación")),
    "UNIT_MEASURE": (("en", "Unit of measure"), ("es", "Unidad de medida")),
    "OBS_STATUS": (("en", "Observation status"), ("es", "Estado de la observación")),
    "CONF_STATUS": (("en", "Confidentiality status"), ("es", "Estado de confidencialidad")),
    "COMMENT_DSET": (("en", "Data set comment: the table's notes in this edition"),
                     ("es", "Comentario del conjunto de datos: las notas del cuadro en esta edición")),
}

UNITS = {
    "PS": (("en", "Persons"), ("es", "Personas")),
    "NUMBER": (("en", "Number"), ("es", "Número")),
    "USD": (("en", "US dollars"), ("es", "Dólares estadounidenses")),
}
