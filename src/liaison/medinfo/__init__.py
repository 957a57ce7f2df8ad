"""Medical information: unsolicited inquiries, standard response documents, response letters."""
