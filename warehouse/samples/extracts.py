"""The synthetic registers, one declaration per owner's file (layout, Spanish labels, encoding).

Volumes are plausible orders of magnitude, not estimates: the files exist to exercise the pipeline.
The generator primitives are in ``warehouse.samples.registers``; this module writes every extract:

    python -m warehouse.samples.extracts warehouse/landing --scale 1.0 --seed 2026
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .registers import NATIONALITY, OCCUPATION, SEX, STATUS, Col, Extract, write_extract

VOLUME = {2015: 0.2, 2016: 0.3, 2017: 0.6, 2018: 1.2, 2019: 1.5, 2020: 0.8, 2021: 0.9,
          2022: 1.1, 2023: 1.2, 2024: 1.2, 2025: 1.1}

EXTRACTS: tuple[Extract, ...] = (
    # Migraciones: expulsion and compulsory-exit measures (Gerencia de Usuarios), Latin-1, ';'
    Extract("migraciones_admin", "medidas_expulsion_{year}.csv", 600, growth=VOLUME, encoding="latin-1",
            delimiter=";", bad_columns=("NACIONALIDAD",), columns=(
                Col("NRO_RESOLUCION", "serial"),
                Col("FECHA_RESOLUCION", "date"),
                Col("TIPO_MEDIDA", "choice", (("EXPULSIÓN", 70), ("SALIDA OBLIGATORIA", 30))),
                Col("SEXO", "choice", (("M", 80), ("F", 20))),
                Col("EDAD", "age", lo=18, hi=70),
                Col("NACIONALIDAD", "choice", NATIONALITY),
                Col("CALIDAD_MIGRATORIA", "choice", (("IRREGULAR", 70), ("TEMPORAL", 20), ("RESIDENTE", 10))))),
    # Migraciones: humanitarian residence granted (calidad migratoria humanitaria, D. Leg. 1350 art. 29.2.k),
    # one row per resolution, with the status the person held before; Latin-1, ';', birth dates, not ages
    Extract("migraciones_admin", "residencia_humanitaria_{year}.csv", 2500, growth=VOLUME, encoding="latin-1",
            delimiter=";", years=range(2017, 2026), bad_columns=("NACIONALIDAD", "CONDICION_PREVIA"), columns=(
                Col("NRO_EXPEDIENTE", "serial"),
                Col("FECHA_APROBACION", "date"),
                Col("CONDICION_PREVIA", "choice", (("SOLICITANTE DE REFUGIO", 65), ("IRREGULAR", 20), ("TURISTA", 15))),
                Col("SEXO", "choice", SEX),
                Col("FECHA_NACIMIENTO", "birthdate", lo=0, hi=74, blank=0.01),
                Col("NACIONALIDAD", "choice", (("VENEZUELA", 90), ("COLOMBIA", 2), ("HAITÍ", 2), ("CUBA", 2),
                                               ("ECUADOR", 1), ("CHINA", 1), ("NO ESPECIFICADO", 2))))),
    # Migraciones: published estimate of irregular entries and stays (aggregate, with TOTAL rows)
    Extract("migraciones_admin", "estimacion_irregulares_{year}.csv", 40000, growth=VOLUME, encoding="latin-1",
            delimiter=";", years=range(2019, 2026), columns=(
                Col("ANIO", "const"),
                Col("NACIONALIDAD", "choice", (("VENEZUELA", 85), ("HAITÍ", 5), ("COLOMBIA", 4), ("OTROS", 6))),
                Col("TIPO_IRREGULARIDAD", "choice", (("INGRESO IRREGULAR", 55), ("PERMANENCIA IRREGULAR", 45))),
                Col("SEXO", "choice", (("HOMBRES", 52), ("MUJERES", 48))),
                Col("CANTIDAD_ESTIMADA", "amount"))),
    # SUNAFIL: complaints (denuncias) by migrant workers, UTF-8, ',' dates YYYYMMDD
    Extract("sunafil", "denuncias_trabajadores_extranjeros_{year}.csv", 900, growth=VOLUME,
            date_format="%Y%m%d", bad_columns=("MATERIA", "NACIONALIDAD"), columns=(
                Col("NRO_EXPEDIENTE", "serial"),
                Col("FECHA_INGRESO", "date"),
                Col("MATERIA", "choice", (("REMUNERACIONES Y BENEFICIOS", 40), ("JORNADA Y DESCANSOS", 15),
                                          ("SEGURIDAD Y SALUD EN EL TRABAJO", 10), ("DISCRIMINACIÓN", 5),
                                          ("TRABAJO FORZOSO", 2), ("CONTRATACIÓN DE EXTRANJEROS", 18),
                                          ("OTRAS MATERIAS", 10))),
                Col("TIPO_EMPLEADOR", "choice", (("EMPRESA", 85), ("AGENCIA PRIVADA DE EMPLEO", 5),
                                                 ("HOGAR (TRABAJO DOMÉSTICO)", 10))),
                Col("RESULTADO", "choice", (("INFRACCIÓN Y MULTA", 30), ("MEDIDA DE REQUERIMIENTO", 20),
                                            ("ARCHIVADO", 35), ("EN TRÁMITE", 15))),
                Col("MULTA_SOLES", "amount", hi=9000),
                Col("SEXO", "choice", SEX),
                Col("EDAD", "age", lo=18, hi=68),
                Col("NACIONALIDAD", "choice", NATIONALITY),
                Col("CONDICION_MIGRATORIA", "choice", STATUS),
                Col("OCUPACION", "choice", OCCUPATION),
                Col("NRO_DOCUMENTO", "serial"))),
    # Ministry of Foreign Affairs: consular assistance cases of Peruvians abroad, UTF-8
    Extract("rree", "casos_asistencia_consular_{year}.csv", 1500, growth=VOLUME,
            bad_columns=("TIPO_CASO",), columns=(
                Col("ID_CASO", "serial"),
                Col("FECHA_REGISTRO", "date"),
                Col("PAIS", "choice", (("CHILE", 25), ("ARGENTINA", 15), ("ESTADOS UNIDOS", 20), ("ESPAÑA", 20),
                                       ("ITALIA", 10), ("JAPÓN", 5), ("OTROS", 5))),
                Col("TIPO_CASO", "choice", (("DETENCIÓN", 25), ("VIOLENCIA DE GÉNERO", 10), ("ABUSO LABORAL", 15),
                                            ("EXPULSIÓN O DEPORTACIÓN", 15), ("ASISTENCIA LEGAL", 25),
                                            ("REPATRIACIÓN", 10))),
                Col("MOTIVO_DETENCION", "choice", (("MIGRATORIO", 45), ("PENAL", 55))),
                Col("SEXO", "choice", SEX),
                Col("EDAD", "age", lo=18, hi=75),
                Col("SITUACION_MIGRATORIA", "choice", (("REGULAR", 55), ("IRREGULAR", 35), ("DESCONOCIDA", 10))),
                Col("OCUPACION", "choice", OCCUPATION))),
    # Ministry of Justice (Defensa Pública): legal aid given to foreign nationals in Peru, Latin-1
    Extract("minjusdh", "defensa_publica_extranjeros_{year}.csv", 2500, growth=VOLUME, encoding="latin-1",
            delimiter=";", bad_columns=("NACIONALIDAD",), columns=(
                Col("FECHA_ATENCION", "date"),
                Col("MATERIA", "choice", (("PENAL", 45), ("FAMILIA", 25), ("LABORAL", 15), ("ADMINISTRATIVO", 15))),
                Col("SEXO", "choice", (("H", 50), ("M", 50))),
                Col("EDAD", "age", lo=18, hi=80),
                Col("NACIONALIDAD", "choice", NATIONALITY))),
    # MIMP (Unidades de Protección Especial): unaccompanied and separated migrant children, UTF-8
    Extract("mimp", "nna_migrantes_{year}.csv", 300, growth=VOLUME, bad_columns=("CONDICION",), columns=(
                Col("FECHA_INGRESO", "date"),
                Col("CONDICION", "choice", (("NO ACOMPAÑADO", 40), ("SEPARADO", 60))),
                Col("SEXO", "choice", SEX),
                Col("EDAD", "age", lo=0, hi=17),
                Col("NACIONALIDAD", "choice", NATIONALITY))),
    # Pre-departure information workshops (Mesa de Trabajo Intersectorial), UTF-8
    Extract("rree", "talleres_migracion_informada_{year}.csv", 1200, growth=VOLUME, columns=(
                Col("FECHA_TALLER", "date"),
                Col("DEPARTAMENTO", "choice", (("LIMA", 35), ("CUSCO", 10), ("PUNO", 12), ("PIURA", 10),
                                               ("JUNIN", 10), ("LAMBAYEQUE", 8), ("LORETO", 5), ("TACNA", 10))),
                Col("SEXO", "choice", SEX),
                Col("EDAD", "age", lo=15, hi=65))),
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m warehouse.samples.extracts", description=__doc__.splitlines()[0])
    parser.add_argument("landing", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every extract's rows per year")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    for ex in EXTRACTS:
        paths = write_extract(ex, args.landing, args.scale, args.seed)
        print(f"{ex.owner_dir}/{ex.name}: {len(paths)} files")


if __name__ == "__main__":
    main()
